using Transfers.Core.DurableTask;

namespace Transfers.Core.Shares;

/// <summary>
/// The automated file transfer. A check lists the source in pages, diffs each page against the per-file state, copies
/// new and changed files in batches (at most <see cref="SharesOptions.MaxConcurrentBatches"/> at once) and deletes
/// destination files whose source is gone only when every copy of the check succeeded. Paths stay in tables; history
/// holds batch ids and counts.
/// </summary>
public sealed class FileSyncOrchestration : ShareSyncOrchestration
{
    private readonly int _maxConcurrentBatches;
    private readonly int _maxErrors;

    /// <summary>Initializes a new instance of the <see cref="FileSyncOrchestration"/> class.</summary>
    /// <param name="options">The Shares settings.</param>
    public FileSyncOrchestration(Microsoft.Extensions.Options.IOptions<SharesOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _maxConcurrentBatches = Math.Max(1, options.Value.MaxConcurrentBatches);
        _maxErrors = Math.Max(1, options.Value.MaxErrors);
    }

    /// <inheritdoc/>
    protected override async Task<bool> RunCheckAsync(IOrchestrationContext context, ShareSyncInput input, Func<bool> interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(interrupted);
        var transfer = input.Transfer;
        var startedAt = context.CurrentUtcDateTime;
        var nextSyncAt = startedAt + input.Interval;
        var begin = await context.CallActivityAsync<BeginFileSyncResult>(
            nameof(BeginFileSyncActivity), new BeginFileSyncRequest(transfer, input.Cycle, !input.InitialSendDone));
        if (!begin.Proceed)
        {
            return false;
        }

        var totals = new CheckTotals(_maxErrors);
        try
        {
            var deleteBatches = new List<string>();
            if (input.PruneUnselected)
            {
                var prune = await context.CallActivityAsync<PruneResult>(nameof(PruneUnselectedActivity), new PruneRequest(transfer, input.Cycle));
                deleteBatches.AddRange(Enumerable.Range(0, prune.DeleteBatches).Select(i => FileBatchIds.Delete(0, i)));
            }

            var cursor = DiffCursor.Start;
            for (var page = 1; cursor is not null && !totals.Stopped && !interrupted(); page++)
            {
                var diff = await context.CallActivityAsync<DiffPageResult>(
                    nameof(DiffSourcePageActivity), new DiffPageRequest(transfer, input.Cycle, page, cursor));
                totals.FilesTotal += diff.CopyFiles;
                totals.BytesTotal += diff.CopyBytes;
                deleteBatches.AddRange(Enumerable.Range(0, diff.DeleteBatches).Select(i => FileBatchIds.Delete(page, i)));
                var copyBatches = Enumerable.Range(0, diff.CopyBatches).Select(i => FileBatchIds.Copy(page, i));
                await RunWindowedAsync(
                    copyBatches,
                    id => context.CallActivityAsync<CopyBatchResult>(nameof(CopyFileBatchActivity), new FileBatchRequest(transfer, input.Cycle, id)),
                    totals.Add,
                    () => totals.Stopped || interrupted(),
                    () => context.CallActivityAsync(nameof(ReportFileSyncProgressActivity), new FileSyncProgressReport(transfer, totals.Progress)));
                cursor = diff.Next;
            }

            // Deleting is safe only once the destination holds every new version: a failed or interrupted copy keeps
            // the deletions for the next check, which finds them again.
            var stopped = totals.Stopped || interrupted() || cursor is not null;
            if (!stopped && totals.Failed == 0)
            {
                await RunWindowedAsync(
                    deleteBatches,
                    id => context.CallActivityAsync<DeleteBatchResult>(nameof(DeleteFileBatchActivity), new FileBatchRequest(transfer, input.Cycle, id)),
                    totals.Add,
                    () => totals.Stopped || interrupted(),
                    onWindow: null);
            }

            var complete = !totals.Stopped && !interrupted() && cursor is null;
            var summary = complete
                ? new ShareSyncSummary(startedAt, context.CurrentUtcDateTime, totals.FilesDone, totals.Deleted, totals.BytesDone, 0)
                : null;
            await context.CallActivityAsync(
                nameof(CompleteFileSyncActivity),
                new CompleteFileSyncRequest(transfer, input.Cycle, totals.Progress, summary, totals.Errors, null, nextSyncAt));
            return complete;
        }
        catch (TaskFailedException failure)
        {
            // A check that fails as a whole (source container gone, destination unreachable) marks the transfer failed;
            // the automation goes on and the next check retries.
            await context.CallActivityAsync(
                nameof(CompleteFileSyncActivity),
                new CompleteFileSyncRequest(transfer, input.Cycle, totals.Progress, null, totals.Errors, failure.FailureDetails.ErrorMessage, nextSyncAt));
            return false;
        }
    }

    /// <summary>
    /// Runs batch activities with at most <see cref="_maxConcurrentBatches"/> in flight, starting the next as soon as one
    /// finishes, and reports progress after each window's worth of completions.
    /// </summary>
    private async Task RunWindowedAsync<T>(
        IEnumerable<string> batchIds, Func<string, Task<T>> run, Action<T> completed, Func<bool> stop, Func<Task>? onWindow)
    {
        var inFlight = new List<Task<T>>(_maxConcurrentBatches);
        var sinceReport = 0;
        using var pending = batchIds.GetEnumerator();
        var more = pending.MoveNext();
        while (more || inFlight.Count > 0)
        {
            while (more && inFlight.Count < _maxConcurrentBatches && !stop())
            {
                inFlight.Add(run(pending.Current));
                more = pending.MoveNext();
            }

            if (inFlight.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny(inFlight);
            inFlight.Remove(done);
            completed(await done);
            if (onWindow is not null && ++sinceReport >= _maxConcurrentBatches && (more || inFlight.Count > 0))
            {
                sinceReport = 0;
                await onWindow();
            }
        }
    }

    /// <summary>The running counts of one check.</summary>
    private sealed class CheckTotals(int maxErrors)
    {
        private readonly List<ShareTransferError> _errors = [];

        public long FilesTotal { get; set; }

        public long BytesTotal { get; set; }

        public long FilesDone { get; private set; }

        public long BytesDone { get; private set; }

        public long Deleted { get; private set; }

        public int Failed { get; private set; }

        public bool Stopped { get; private set; }

        public IReadOnlyList<ShareTransferError> Errors => _errors;

        public ShareProgress Progress => new(FilesTotal, FilesDone, BytesTotal, BytesDone, 0);

        public void Add(CopyBatchResult result)
        {
            Stopped |= result.Skipped;
            FilesDone += result.Copied;
            BytesDone += result.Bytes;
            Failed += result.Failed;
            _errors.AddRange(result.Errors.Take(maxErrors - _errors.Count));
        }

        public void Add(DeleteBatchResult result)
        {
            Stopped |= result.Skipped;
            Deleted += result.Deleted;
        }
    }
}
