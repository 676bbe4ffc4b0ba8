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
