using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace Transfers.Core.Application;

/// <summary>
/// The tables of one account, each created if it does not exist on its first use in the process and never asked
/// again: what every family's <c>XTables</c> builds on, so that no store creates a table itself.
/// </summary>
public sealed class CreatedTables
{
    private readonly TableServiceClient _service;
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="CreatedTables"/> class.</summary>
    /// <param name="service">The account's table service.</param>
    public CreatedTables(TableServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
    }

    /// <summary>Gets a table, creating it on the first call for its name; concurrent first calls share one creation.</summary>
    /// <param name="name">The table name.</param>
    /// <returns>The table client.</returns>
    public Task<TableClient> GetAsync(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var created = _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(() => CreateAsync(n)));
        if (created.Value.IsFaulted || created.Value.IsCanceled)
        {
            // A failed creation (storage not reachable yet) is not remembered: the next use tries again.
            _tables.TryUpdate(name, new Lazy<Task<TableClient>>(() => CreateAsync(name)), created);
        }

        return created.Value;
    }

    private async Task<TableClient> CreateAsync(string name)
    {
        var table = _service.GetTableClient(name);
        await table.CreateIfNotExistsAsync();
        return table;
    }
}
