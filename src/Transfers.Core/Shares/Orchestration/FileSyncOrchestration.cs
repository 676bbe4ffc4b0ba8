using Transfers.Core.DurableTask;

namespace Transfers.Core.Shares;

/// <summary>
/// The automated file transfer. A check lists the source in pages, diffs each page against the per-file state, copies
/// new and changed files in batches (at most <see cref="FileSyncLimits.MaxConcurrentBatches"/> at once, as the check's first activity read the settings) and deletes
/// destination files whose source is gone only when every copy of the check succeeded. Paths stay in tables; history
/// holds batch ids and counts.
/// </summary>
public sealed class FileSyncOrchestration : ShareSyncOrchestration
{
    /// <inheritdoc/>
    protected override async Task<ShareCheckOutcome> RunCheckAsync(IOrchestrationContext context, ShareSyncInput input, Func<bool> interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(interrupted);
        var transfer = input.Transfer;
        var startedAt = context.CurrentUtcDateTime;
        var nextSyncAt = startedAt + input.Interval;
        var totals = new CheckTotals(FileSyncLimits.Defaults.MaxErrors);
        var running = new List<Task>();
        try
        {
            var begin = await context.CallActivityAsync<BeginShareFileSyncResult>(
                nameof(BeginShareFileSyncActivity), new BeginShareCheckInput(transfer, input.Cycle, !input.InitialSendDone));
            if (!begin.Proceed)
            {
                return NotRun(begin.Status);
            }

            // Settings come from the activity's recorded result, never from DI: a setting changed while this check is
            // in flight must not make its replay fan out differently from its first run.
            var limits = begin.Limits ?? FileSyncLimits.Defaults;
            totals = new CheckTotals(limits.MaxErrors);

            var deleteBatches = new List<string>();
            if (input.PruneUnselected)
            {
                var prune = await context.CallActivityAsync<PruneUnselectedShareFilesResult>(nameof(PruneUnselectedShareFilesActivity), new PruneUnselectedShareFilesInput(transfer, input.Cycle));
                deleteBatches.AddRange(Enumerable.Range(0, prune.DeleteBatches).Select(i => FileBatchIds.Delete(0, i)));
            }

            var complete = await CopyAsync(context, input, limits.MaxConcurrentBatches, interrupted, totals, deleteBatches, running);

            // Deleting is safe only once the destination holds every new version: a failed or interrupted copy keeps
            // the deletions for the next check, which finds them again.
            if (complete && totals.Failed == 0)
            {
                await RunWindowedAsync(
                    limits.MaxConcurrentBatches,
                    deleteBatches,
                    id => context.CallActivityAsync<DeleteShareFileBatchResult>(nameof(DeleteShareFileBatchActivity), new ShareFileBatchInput(transfer, input.Cycle, id)),
                    totals.Add,
                    () => totals.Stopped || interrupted());
            }

            complete &= !totals.Stopped && !interrupted();
            var summary = complete
                ? new ShareSyncSummary(startedAt, context.CurrentUtcDateTime, totals.FilesDone, totals.Deleted, totals.BytesDone, 0)
                : null;
            await context.CallActivityAsync(
                nameof(CompleteShareCheckActivity),
                new CompleteShareCheckInput(transfer, input.Cycle, totals.Progress, summary, totals.Errors, null, nextSyncAt));
            return complete ? ShareCheckOutcome.Completed : ShareCheckOutcome.Incomplete;
        }
        catch (TaskFailedException failure)
        {
            // Activities still running finish first, so that none writes work batches after the completion dropped them.
            await DrainAsync(running);
            await FailCheckAsync(context, input, totals.Progress, totals.Errors, failure, nextSyncAt);
            return ShareCheckOutcome.Incomplete;
        }
    }

    /// <summary>Waits for activities that are still running, whatever their outcome.</summary>
    private static async Task DrainAsync(List<Task> running)
    {
        foreach (var task in running)
        {
            try
            {
                await task;
            }
            catch (TaskFailedException)
            {
                // The check already failed; one reason is enough.
            }
        }
    }

    /// <summary>
    /// Lists the source page by page and copies the batches each page yields in one rolling window of
    /// <paramref name="window"/> activities: the next page is listed while the previous one's batches copy,
    /// as long as fewer than two windows of batches wait, so copying neither waits for the listing nor runs far behind
    /// it. Progress is reported after each window's worth of completed batches.
    /// </summary>
    /// <returns>Whether the whole source was listed and every batch ran, with no pause or cancel in between.</returns>
    private static async Task<bool> CopyAsync(
        IOrchestrationContext context, ShareSyncInput input, int window, Func<bool> interrupted, CheckTotals totals, List<string> deleteBatches, List<Task> running)
    {
        var transfer = input.Transfer;
        var waiting = new Queue<string>();
        var copies = new List<Task<CopyShareFileBatchResult>>(window);
        Task<DiffShareSourcePageResult>? listing = null;
        DiffCursor? cursor = DiffCursor.Start;
        var page = 0;
        var sinceReport = 0;
        while (true)
        {
            var stopping = totals.Stopped || interrupted();
            if (listing is null && cursor is not null && waiting.Count < 2 * window && !stopping)
            {
                listing = context.CallActivityAsync<DiffShareSourcePageResult>(
                    nameof(DiffShareSourcePageActivity), new DiffShareSourcePageInput(transfer, input.Cycle, ++page, cursor, !input.InitialSendDone));
                running.Add(listing);
            }

            while (waiting.Count > 0 && copies.Count < window && !stopping)
            {
                var copy = context.CallActivityAsync<CopyShareFileBatchResult>(
                    nameof(CopyShareFileBatchActivity), new ShareFileBatchInput(transfer, input.Cycle, waiting.Dequeue()));
                copies.Add(copy);
                running.Add(copy);
            }

            if (sinceReport >= window && copies.Count > 0)
            {
                sinceReport = 0;
                await context.CallActivityAsync(nameof(ReportShareFileSyncProgressActivity), new ReportShareFileSyncProgressInput(transfer, totals.Progress));
            }

            if (listing is null && copies.Count == 0)
            {
                return !stopping && cursor is null && waiting.Count == 0;
            }

            var done = await Task.WhenAny(listing is null ? copies : copies.Append<Task>(listing));
            running.Remove(done);
            if (done == listing)
            {
                var diff = await listing;
                listing = null;
                totals.FilesTotal += diff.CopyFiles;
                totals.BytesTotal += diff.CopyBytes;
                deleteBatches.AddRange(Enumerable.Range(0, diff.DeleteBatches).Select(i => FileBatchIds.Delete(page, i)));
                foreach (var id in Enumerable.Range(0, diff.CopyBatches).Select(i => FileBatchIds.Copy(page, i)))
                {
                    waiting.Enqueue(id);
                }

                cursor = diff.Next;
            }
            else
            {
                var copy = (Task<CopyShareFileBatchResult>)done;
                copies.Remove(copy);
                totals.Add(await copy);
                sinceReport++;
            }
        }
    }

    /// <summary>Runs batch activities with at most <paramref name="window"/> in flight, starting the next as soon as one finishes.</summary>
    private static async Task RunWindowedAsync<T>(int window, IEnumerable<string> batchIds, Func<string, Task<T>> run, Action<T> completed, Func<bool> stop)
    {
        var inFlight = new List<Task<T>>(window);
        using var pending = batchIds.GetEnumerator();
        var more = pending.MoveNext();
        while (more || inFlight.Count > 0)
        {
            while (more && inFlight.Count < window && !stop())
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

        public void Add(CopyShareFileBatchResult result)
        {
            Stopped |= result.Skipped;
            FilesDone += result.Copied;
            BytesDone += result.Bytes;
            Failed += result.Failed;
            _errors.AddRange(result.Errors.Take(maxErrors - _errors.Count));
        }

        public void Add(DeleteShareFileBatchResult result)
        {
            Stopped |= result.Skipped;
            Deleted += result.Deleted;
        }
    }
}
