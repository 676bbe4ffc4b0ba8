using Azure.Data.Tables;
using Transfers.Core.Storage;
using Transfers.Core.Tabular;

namespace Transfers.Core.Shares;

/// <summary>
/// Loads share tables with the tabular reader and batch writer shared with the Exports family, one chunk of at most
/// <see cref="ChunkRows"/> rows per call:
/// <list type="bullet">
/// <item><c>APPEND_ONLY</c>: rows whose <c>Timestamp</c> is after the last run's watermark, keyed as in the source.</item>
/// <item><c>UPDATE_AND_APPEND</c>: the same rows, upserted by the primary key columns (keyed by <see cref="TableRowKeys"/>, as Exports keys them).</item>
/// <item><c>OVERWRITE</c>: the destination is cleared on the first chunk of each check, then every row is copied.</item>
/// </list>
/// Watermarks live in table <c>ShareTableState</c> (partition = state key, row = table name). The window's upper bound is
/// fixed on the first chunk, so every chunk of a check reads the same window and a repeated chunk writes the same rows.
/// </summary>
public sealed class TabularShareTableLoader : IShareTableLoader
{
    /// <summary>The most rows one chunk reads.</summary>
    public const int ChunkRows = 20_000;

    private const string TimestampColumn = "Timestamp";
    private readonly StorageConnections _connections;
    private readonly TimeProvider _time;
    private readonly SharesTables _tables;

    /// <summary>Initializes a new instance of the <see cref="TabularShareTableLoader"/> class.</summary>
    /// <param name="connections">The storage connections the sources and destinations are reached through.</param>
    /// <param name="tables">The family's tables, for the watermarks.</param>
    /// <param name="time">The clock.</param>
    public TabularShareTableLoader(StorageConnections connections, SharesTables tables, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(tables);
        _connections = connections;
        _tables = tables;
        _time = time;
    }

    /// <inheritdoc/>
    public async Task<ShareTableChunkResult> LoadChunkAsync(ShareTableLoad load, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(load);
        var state = await _tables.GetAsync(SharesTables.TableState);
        var table = load.Table;
        var source = _connections.Tables(load.Source.Connection).GetTableClient(table.SourceTable);
        var destination = _connections.Tables(load.Destination.Connection).GetTableClient(BeginShareTableSyncActivity.DestinationTableName(load.Destination, table));
        await destination.CreateIfNotExistsAsync(cancellationToken);

        var window = await GetWindowAsync(state, load, cancellationToken);
        if (load.Continuation is null && table.LoadingPattern == LoadingPatterns.Overwrite)
        {
            await TableBatchWriter.ClearAsync(destination, cancellationToken: cancellationToken);
        }

        var query = table.LoadingPattern == LoadingPatterns.Overwrite
            ? new TableRowQuery()
            : new TableRowQuery { TimestampColumn = TimestampColumn, From = window.From, To = window.To };
        var primaryKey = table.LoadingPattern == LoadingPatterns.UpdateAndAppend ? table.PrimaryKey : null;
        var writer = new TableBatchWriter(destination);
        var read = await TableRowReader.ReadAsync(
            source,
            query,
            load.Continuation,
            ChunkRows,
            async (rows, ct) => await writer.AddRangeAsync(rows.Select(row => TableRowKeys.ForDestination(row, primaryKey)), ct),
            cancellationToken);
        await writer.FlushAsync(cancellationToken);

        if (read.ContinuationToken is null)
        {
            await state.UpsertEntityAsync(
                new TableEntity(load.StateKey, table.Name) { ["Watermark"] = window.To, ["Cycle"] = load.Cycle }, TableUpdateMode.Replace, cancellationToken);
        }

        return new ShareTableChunkResult(writer.RowsWritten, read.ContinuationToken);
    }

    /// <summary>The time window of this check: from the last watermark to the bound fixed by the check's first chunk.</summary>
    private async Task<(DateTimeOffset? From, DateTimeOffset To)> GetWindowAsync(TableClient state, ShareTableLoad load, CancellationToken cancellationToken)
    {
        var row = await state.GetEntityIfExistsAsync<TableEntity>(load.StateKey, load.Table.Name, cancellationToken: cancellationToken);
        var watermark = row.HasValue ? row.Value!.GetDateTimeOffset("Watermark") : null;
        var pending = row.HasValue && row.Value!.GetInt64("PendingCycle") == load.Cycle ? row.Value.GetDateTimeOffset("PendingTo") : null;
        if (pending is { } to)
        {
            return (watermark, to);
        }

        // A second of slack: rows committed just before now may carry a slightly later server timestamp.
        var bound = _time.GetUtcNow().AddSeconds(-1);
        await state.UpsertEntityAsync(
            new TableEntity(load.StateKey, load.Table.Name) { ["Watermark"] = watermark, ["PendingTo"] = bound, ["PendingCycle"] = load.Cycle },
            TableUpdateMode.Replace,
            cancellationToken);
        return (watermark, bound);
    }
}
