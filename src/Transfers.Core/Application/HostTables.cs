using Azure.Data.Tables;
using Transfers.Core.Storage;

namespace Transfers.Core.Application;

/// <summary>
/// The base of every family's <c>XTables</c>: the family's records live in the host's own account, and each table is
/// created once on its first use through <see cref="CreatedTables"/>. A family's class adds only its table names.
/// </summary>
public abstract class HostTables
{
    private readonly CreatedTables _tables;

    /// <summary>Initializes a new instance of the <see cref="HostTables"/> class.</summary>
    /// <param name="connections">The storage connections; the host's own account holds the tables.</param>
    protected HostTables(StorageConnections connections)
    {
        ArgumentNullException.ThrowIfNull(connections);
        _tables = new CreatedTables(connections.Tables());
    }

    /// <summary>Gets a table, creating it on first use.</summary>
    /// <param name="name">One of the family's table name constants.</param>
    /// <returns>The table client.</returns>
    public Task<TableClient> GetAsync(string name) => _tables.GetAsync(name);
}
