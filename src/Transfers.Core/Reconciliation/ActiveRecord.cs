using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace Transfers.Core.Reconciliation;

/// <summary>
/// A record in an active state as a pass lists it: its keys, status, version and last change, not its content, so that
/// a page of them stays small. A repair reads the record whole and writes it only under this <see cref="ETag"/>.
/// </summary>
/// <param name="PartitionKey">The record's partition key.</param>
/// <param name="RowKey">The record's row key.</param>
/// <param name="Status">The record's status as stored.</param>
/// <param name="ETag">The version listed.</param>
/// <param name="ChangedAt">When the record last changed (the table's own timestamp).</param>
public sealed record ActiveRecord(string PartitionKey, string RowKey, string Status, string ETag, DateTimeOffset ChangedAt)
{
    /// <summary>Lists the rows of a table that a filter on their <c>Status</c> column selects, one page at a time.</summary>
    /// <param name="table">The table.</param>
    /// <param name="keyFilter">A filter on the keys that the status clause is added to, or <c>null</c>.</param>
    /// <param name="statuses">The active statuses as stored.</param>
    /// <param name="pageSize">The most rows of one page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The pages.</returns>
    public static async IAsyncEnumerable<IReadOnlyList<ActiveRecord>> ListAsync(
        TableClient table, string? keyFilter, IEnumerable<string> statuses, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(statuses);
        var filter = "(" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"Status eq {s}"))) + ")";
        if (keyFilter is not null)
        {
            filter = $"{keyFilter} and {filter}";
        }

        var pages = table.QueryAsync<TableEntity>(filter, pageSize, ["PartitionKey", "RowKey", "Status", "Timestamp"], cancellationToken).AsPages();
        await foreach (var page in pages)
        {
            yield return [.. page.Values.Select(e => new ActiveRecord(e.PartitionKey, e.RowKey, e.GetString("Status"), e.ETag.ToString(), e.Timestamp ?? DateTimeOffset.MinValue))];
        }
    }
}
