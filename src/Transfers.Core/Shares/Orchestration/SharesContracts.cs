using System.Globalization;

namespace Transfers.Core.Shares;

/// <summary>Identifies a transfer to its activities.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="ShareId">The share id.</param>
/// <param name="TransferId">The transfer id.</param>
/// <param name="StateKey">The per-file state key.</param>
public sealed record ShareTransferRef(string Tenant, string ShareId, string TransferId, string StateKey);

/// <summary>The input of one episode of a <see cref="ShareSyncOrchestration"/>; each check continues as new with the next.</summary>
/// <param name="Transfer">The transfer.</param>
/// <param name="Interval">The time between checks.</param>
/// <param name="Cycle">The number of this check, from 1.</param>
/// <param name="Paused">Whether the transfer is paused and waits for resume.</param>
/// <param name="InitialSendDone">Whether the first full send has finished (status syncing rather than sending).</param>
/// <param name="PruneUnselected">Whether to delete destination files that are no longer selected (after an edit).</param>
public sealed record ShareSyncInput(ShareTransferRef Transfer, TimeSpan Interval, long Cycle = 1, bool Paused = false, bool InitialSendDone = false, bool PruneUnselected = false);

/// <summary>The input of the activity that starts a check.</summary>
/// <param name="Transfer">The transfer.</param>
/// <param name="Cycle">The check number.</param>
/// <param name="InitialSend">Whether this is the first full send.</param>
public sealed record BeginShareCheckInput(ShareTransferRef Transfer, long Cycle, bool InitialSend);

/// <summary>What the start of a check found.</summary>
/// <param name="Proceed">Whether to run the check; <c>false</c> when the record says paused, canceled or superseded.</param>
/// <param name="Status">The transfer's status.</param>
/// <param name="Limits">
/// The settings the check runs with, read by the activity so that the orchestration replays with the values its first
/// run saw; <c>null</c> in histories recorded before it was added, which replay with <see cref="FileSyncLimits.Defaults"/>.
/// </param>
public sealed record BeginShareFileSyncResult(bool Proceed, string Status, FileSyncLimits? Limits = null);

/// <summary>The settings one file check runs with.</summary>
/// <param name="MaxConcurrentBatches">The most copy or delete batches in flight (<see cref="SharesOptions.MaxConcurrentBatches"/>).</param>
/// <param name="MaxErrors">The most per-file errors kept (<see cref="SharesOptions.MaxErrors"/>).</param>
public sealed record FileSyncLimits(int MaxConcurrentBatches, int MaxErrors)
{
    /// <summary>Gets the limits of the default settings.</summary>
    public static FileSyncLimits Defaults { get; } = Of(new SharesOptions());

    /// <summary>The limits of a set of settings, each at least 1.</summary>
    /// <param name="options">The Shares settings.</param>
    /// <returns>The limits.</returns>
    public static FileSyncLimits Of(SharesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(Math.Max(1, options.MaxConcurrentBatches), Math.Max(1, options.MaxErrors));
    }
}

/// <summary>Where the diff is in the selections: selection index, listing continuation and last path seen.</summary>
/// <param name="Selection">The index into the normalized path names.</param>
/// <param name="ContinuationToken">The listing continuation within that selection.</param>
/// <param name="LastPath">The last path listed within that selection.</param>
public sealed record DiffCursor(int Selection, string? ContinuationToken, string? LastPath)
{
    /// <summary>Gets the start of the first selection.</summary>
    public static DiffCursor Start { get; } = new(0, null, null);
}

/// <summary>The input of one diff page.</summary>
/// <param name="Transfer">The transfer.</param>
/// <param name="Cycle">The check number.</param>
/// <param name="Page">The page number, from 1 (0 is the prune).</param>
/// <param name="Cursor">Where to continue.</param>
/// <param name="InitialSend">Whether this is the first full send, where the first page is kept short so that copying starts early.</param>
public sealed record DiffShareSourcePageInput(ShareTransferRef Transfer, long Cycle, int Page, DiffCursor Cursor, bool InitialSend = false);

/// <summary>What one diff page found; the files themselves are in the work batches.</summary>
/// <param name="Next">Where the next page continues; null when the listing is complete.</param>
/// <param name="Listed">Source files listed.</param>
/// <param name="CopyBatches">Copy batches written, numbered from 0.</param>
/// <param name="CopyFiles">Files to copy.</param>
/// <param name="CopyBytes">Bytes to copy.</param>
/// <param name="DeleteBatches">Delete batches written, numbered from 0.</param>
/// <param name="DeleteFiles">Destination files to delete.</param>
public sealed record DiffShareSourcePageResult(DiffCursor? Next, long Listed, int CopyBatches, long CopyFiles, long CopyBytes, int DeleteBatches, long DeleteFiles);

/// <summary>The input of a copy or delete batch.</summary>
/// <param name="Transfer">The transfer.</param>
/// <param name="Cycle">The check number.</param>
/// <param name="BatchId">The batch id.</param>
public sealed record ShareFileBatchInput(ShareTransferRef Transfer, long Cycle, string BatchId);

/// <summary>What a copy batch did.</summary>
/// <param name="Skipped">Whether it did nothing because the transfer is no longer running.</param>
/// <param name="Copied">Files copied and verified.</param>
/// <param name="Bytes">Bytes copied.</param>
/// <param name="Failed">Files that failed; retried at the next check.</param>
/// <param name="Errors">The first few failures.</param>
public sealed record CopyShareFileBatchResult(bool Skipped, int Copied, long Bytes, int Failed, IReadOnlyList<ShareTransferError> Errors);

/// <summary>What a delete batch did.</summary>
/// <param name="Skipped">Whether it did nothing because the transfer is no longer running.</param>
/// <param name="Deleted">Destination files deleted.</param>
public sealed record DeleteShareFileBatchResult(bool Skipped, int Deleted);

/// <summary>The input of the prune of unselected files.</summary>
/// <param name="Transfer">The transfer.</param>
/// <param name="Cycle">The check number.</param>
public sealed record PruneUnselectedShareFilesInput(ShareTransferRef Transfer, long Cycle);

/// <summary>What the prune found.</summary>
/// <param name="DeleteBatches">Delete batches written for page 0.</param>
/// <param name="DeleteFiles">Files to delete.</param>
public sealed record PruneUnselectedShareFilesResult(int DeleteBatches, long DeleteFiles);

/// <summary>A progress report.</summary>
/// <param name="Transfer">The transfer.</param>
/// <param name="Progress">The counts.</param>
public sealed record ReportShareFileSyncProgressInput(ShareTransferRef Transfer, ShareProgress Progress);

/// <summary>The end of a check.</summary>
/// <param name="Transfer">The transfer.</param>
/// <param name="Cycle">The check number.</param>
/// <param name="Progress">The final counts.</param>
/// <param name="Summary">The summary; null when the check was interrupted or failed.</param>
/// <param name="Errors">The per-file errors of the check.</param>
/// <param name="Failure">Why the check failed as a whole, if it did.</param>
/// <param name="NextSyncAt">When the next check is due.</param>
public sealed record CompleteShareCheckInput(
    ShareTransferRef Transfer, long Cycle, ShareProgress Progress, ShareSyncSummary? Summary,
    IReadOnlyList<ShareTransferError> Errors, string? Failure, DateTime NextSyncAt);

/// <summary>The input of one table chunk activity.</summary>
/// <param name="Transfer">The transfer.</param>
/// <param name="Cycle">The check number.</param>
/// <param name="TableIndex">The index into the transfer's tables.</param>
/// <param name="Continuation">Where the previous chunk stopped.</param>
public sealed record LoadShareTableChunkInput(ShareTransferRef Transfer, long Cycle, int TableIndex, string? Continuation);

/// <summary>What one table chunk activity did.</summary>
/// <param name="Table">The table name.</param>
/// <param name="RowsWritten">Rows written.</param>
/// <param name="Continuation">Where the next chunk continues; null when done.</param>
/// <param name="Error">Why the table failed, if it did; the other tables go on.</param>
public sealed record LoadShareTableChunkResult(string Table, long RowsWritten, string? Continuation, string? Error);

/// <summary>What the start of a table check found.</summary>
/// <param name="Proceed">Whether to run the check; <c>false</c> when the record says paused, canceled or superseded.</param>
/// <param name="Tables">How many tables the transfer has.</param>
/// <param name="Status">The transfer's status.</param>
public sealed record BeginShareTableSyncResult(bool Proceed, int Tables, string Status);

/// <summary>The external events of the share transfer orchestrations.</summary>
public static class ShareEvents
{
    /// <summary>Pause: nothing is copied or deleted until <see cref="Resume"/>.</summary>
    public const string Pause = "SharePause";

    /// <summary>Resume a paused transfer; the next check runs at once.</summary>
    public const string Resume = "ShareResume";

    /// <summary>Stop for good: canceled, or replaced by an edited transfer.</summary>
    public const string Cancel = "ShareCancel";
}

/// <summary>The payload of <see cref="ShareEvents.Pause"/>.</summary>
/// <param name="RequestedAt">When the client asked.</param>
public sealed record PauseShareTransfer(DateTimeOffset RequestedAt);

/// <summary>The payload of <see cref="ShareEvents.Resume"/>.</summary>
/// <param name="RequestedAt">When the client asked.</param>
public sealed record ResumeShareTransfer(DateTimeOffset RequestedAt);

/// <summary>The payload of <see cref="ShareEvents.Cancel"/>.</summary>
/// <param name="RequestedAt">When the client asked.</param>
/// <param name="SupersededBy">The transfer that replaces this one, when it ends through the edit flow.</param>
public sealed record CancelShareTransfer(DateTimeOffset RequestedAt, string? SupersededBy = null);

/// <summary>Batch ids: <c>p{page}c{n}</c> for copies, <c>p{page}d{n}</c> for deletes.</summary>
public static class FileBatchIds
{
    /// <summary>The id of copy batch <paramref name="index"/> of a page.</summary>
    /// <param name="page">The page.</param>
    /// <param name="index">The batch index.</param>
    /// <returns>The id.</returns>
    public static string Copy(int page, int index) => string.Create(CultureInfo.InvariantCulture, $"p{page:D6}c{index:D5}");

    /// <summary>The id of delete batch <paramref name="index"/> of a page.</summary>
    /// <param name="page">The page.</param>
    /// <param name="index">The batch index.</param>
    /// <returns>The id.</returns>
    public static string Delete(int page, int index) => string.Create(CultureInfo.InvariantCulture, $"p{page:D6}d{index:D5}");
}
