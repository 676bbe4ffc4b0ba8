using Transfers.Core.DurableTask;

namespace Transfers.Core.Shares;

/// <summary>
/// The automated table transfer: each check loads every table of the transfer with its loading pattern, one activity
/// per table chunk, the tables side by side; a failed table is reported and the others go on.
/// </summary>
public sealed class TableSyncOrchestration : ShareSyncOrchestration
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
        LoadShareTableChunkResult[] results;
        try
        {
            var begin = await context.CallActivityAsync<BeginShareTableSyncResult>(
                nameof(BeginShareTableSyncActivity), new BeginShareCheckInput(transfer, input.Cycle, !input.InitialSendDone));
            if (!begin.Proceed)
            {
                return NotRun(begin.Status);
            }

            // WhenAll waits for every table, so no load is still running when the check completes.
            results = await Task.WhenAll(Enumerable.Range(0, begin.Tables).Select(i => LoadTableAsync(context, input, i, interrupted)));
        }
        catch (TaskFailedException failure)
        {
            // A failing table alone does not get here; it is reported in errors.
            await FailCheckAsync(context, input, ShareProgress.None, [], failure, nextSyncAt);
            return ShareCheckOutcome.Incomplete;
        }

        var rows = results.Sum(r => r.RowsWritten);
        var errors = results.Where(r => r.Error is not null)
            .Select(r => new ShareTransferError(null, r.Table, r.Error!, context.CurrentUtcDateTime)).ToList();
        var complete = !interrupted();
        await context.CallActivityAsync(
            nameof(CompleteShareCheckActivity),
            new CompleteShareCheckInput(
                transfer,
                input.Cycle,
                new ShareProgress(0, 0, 0, 0, rows),
                complete ? new ShareSyncSummary(startedAt, context.CurrentUtcDateTime, 0, 0, 0, rows) : null,
                errors,
                null,
                nextSyncAt));
        return complete ? ShareCheckOutcome.Completed : ShareCheckOutcome.Incomplete;
    }

    private static async Task<LoadShareTableChunkResult> LoadTableAsync(IOrchestrationContext context, ShareSyncInput input, int index, Func<bool> interrupted)
    {
        long rows = 0;
        string? continuation = null;
        do
        {
            var chunk = await context.CallActivityAsync<LoadShareTableChunkResult>(
                nameof(LoadShareTableChunkActivity), new LoadShareTableChunkInput(input.Transfer, input.Cycle, index, continuation));
            rows += chunk.RowsWritten;
            if (chunk.Error is not null)
            {
                return chunk with { RowsWritten = rows };
            }

            continuation = chunk.Continuation;
            if (continuation is null || interrupted())
            {
                return chunk with { RowsWritten = rows, Continuation = null };
            }
        }
        while (true);
    }
}
