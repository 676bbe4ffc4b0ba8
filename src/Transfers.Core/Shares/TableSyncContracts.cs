namespace Transfers.Core.Shares;

/// <summary>One chunk of one table's load, as the loader sees it.</summary>
/// <param name="StateKey">The transfer's state key; the loader keeps its watermark (APPEND_ONLY) under it.</param>
/// <param name="Cycle">The check number; OVERWRITE starts a fresh load on the first chunk of each check.</param>
/// <param name="Source">The share source (its connection holds the source table).</param>
/// <param name="Destination">The table destination.</param>
/// <param name="Table">The table entity.</param>
/// <param name="Continuation">Where the previous chunk stopped; null for the first chunk.</param>
public sealed record ShareTableLoad(string StateKey, long Cycle, ShareSource Source, ShareDestination Destination, ShareTableEntity Table, string? Continuation);

/// <summary>What one chunk wrote.</summary>
/// <param name="RowsWritten">Rows written.</param>
/// <param name="Continuation">Where the next chunk continues; null when the table is done for this check.</param>
public sealed record ShareTableChunkResult(long RowsWritten, string? Continuation);

/// <summary>
/// Loads tables with a loading pattern, one bounded chunk per call. The implementation is the tabular reader and writer
/// shared with the Exports family.
/// </summary>
public interface IShareTableLoader
{
    /// <summary>Loads one chunk; must be idempotent (an activity runs at least once).</summary>
    /// <param name="load">The chunk.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>What was written and where to continue.</returns>
    Task<ShareTableChunkResult> LoadChunkAsync(ShareTableLoad load, CancellationToken cancellationToken = default);
}

/// <summary>The input of one table chunk activity.</summary>
/// <param name="Transfer">The transfer.</param>
/// <param name="Cycle">The check number.</param>
/// <param name="TableIndex">The index into the transfer's tables.</param>
/// <param name="Continuation">Where the previous chunk stopped.</param>
public sealed record TableChunkRequest(ShareTransferRef Transfer, long Cycle, int TableIndex, string? Continuation);

/// <summary>What one table chunk activity did.</summary>
/// <param name="Table">The table name.</param>
/// <param name="RowsWritten">Rows written.</param>
/// <param name="Continuation">Where the next chunk continues; null when done.</param>
/// <param name="Error">Why the table failed, if it did; the other tables go on.</param>
public sealed record TableChunkResult(string Table, long RowsWritten, string? Continuation, string? Error);

/// <summary>What the start of a table check found.</summary>
/// <param name="Proceed">Whether to run the check; <c>false</c> when the record says paused, canceled or superseded.</param>
/// <param name="Tables">How many tables the transfer has.</param>
/// <param name="Status">The transfer's status.</param>
public sealed record BeginTableSyncResult(bool Proceed, int Tables, string Status);
