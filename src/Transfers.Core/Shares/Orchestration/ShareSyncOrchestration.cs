using Transfers.Core.DurableTask;

namespace Transfers.Core.Shares;

/// <summary>
/// The eternal loop of an automated transfer: one check per episode, then continue as new so that history stays
/// bounded. Between checks it waits for the interval, a pause or a cancel (the timer is cancelled when an event wins);
/// while paused, for a resume or a cancel, after which the next check runs at once.
/// </summary>
public abstract class ShareSyncOrchestration : Orchestrator<ShareSyncInput, string>
{
    /// <summary>The outcome when the transfer ends by cancel or edit.</summary>
    public const string Ended = "ended";

    /// <summary>The outcome of an episode that continues as new.</summary>
    public const string Continued = "continued";

    /// <summary>The instance id of a transfer's orchestration.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <returns>The instance id.</returns>
    public static string InstanceId(string transferId) => "share-transfer-" + transferId;

    /// <summary>
    /// Schedules the orchestration of a transfer whose record says it runs, unless one runs already (scheduled by a
    /// start, resume or repair this one raced, or running all along): what a start, a resume and the reconciler do.
    /// </summary>
    /// <param name="durable">The durable client.</param>
    /// <param name="transfer">The transfer as recorded.</param>
    /// <param name="interval">The time between checks.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when this call scheduled it.</returns>
    public static Task<bool> TryScheduleAsync(IDurableClient durable, ShareTransfer transfer, TimeSpan interval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(transfer);
        var input = new ShareSyncInput(
            new ShareTransferRef(transfer.Tenant, transfer.ShareId, transfer.Id, transfer.StateKey),
            interval,
            InitialSendDone: transfer.Replaces is not null || transfer.LastSync is not null,
            PruneUnselected: transfer.Replaces is not null);
        var orchestration = transfer.Contents.Kind == ShareDestinationKinds.Files ? nameof(FileSyncOrchestration) : nameof(TableSyncOrchestration);
        return durable.TryScheduleAsync(orchestration, input, InstanceId(transfer.Id), cancellationToken);
    }

    /// <inheritdoc/>
    public sealed override async Task<string> RunAsync(IOrchestrationContext context, ShareSyncInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        using var waits = new CancellationTokenSource();
        var cancel = context.WaitForExternalEvent<CancelShareTransfer>(ShareEvents.Cancel, waits.Token);

        if (input.Paused)
        {
            // A pause the last check found in the record may have its event still on the way: taken here, it cannot
            // carry over and pause the run that follows the resume.
            _ = context.WaitForExternalEvent<PauseShareTransfer>(ShareEvents.Pause, waits.Token);
            var resume = context.WaitForExternalEvent<ResumeShareTransfer>(ShareEvents.Resume, waits.Token);
            var woken = await Task.WhenAny(resume, cancel);
            waits.Cancel();
            if (woken == cancel)
            {
                return Ended;
            }

            context.ContinueAsNew(input with { Paused = false, Cycle = input.Cycle + 1 });
            return Continued;
        }

        var pause = context.WaitForExternalEvent<PauseShareTransfer>(ShareEvents.Pause, waits.Token);
        var outcome = await RunCheckAsync(context, input, () => pause.IsCompleted || cancel.IsCompleted);

        // The record rules even when its event never comes (a pause or cancel that raced the start found no
        // orchestration to tell): a paused record waits for the resume, an ended one ends the automation.
        if (!cancel.IsCompleted && !pause.IsCompleted && outcome is not (ShareCheckOutcome.RecordPaused or ShareCheckOutcome.RecordEnded))
        {
            var timer = context.CreateTimer(context.CurrentUtcDateTime + input.Interval, waits.Token);
            await Task.WhenAny(timer, pause, cancel);
        }

        // Read before cancelling: a waiter cancelled by the token is complete too (at once on Durable Task).
        var cancelled = cancel.IsCompletedSuccessfully;
        var paused = pause.IsCompletedSuccessfully;

        // Cancelling the token also cancels the timer, so no timer outlives this episode. Synchronously: the callbacks
        // must run on the orchestration thread.
        waits.Cancel();
        if (cancelled || outcome == ShareCheckOutcome.RecordEnded)
        {
            return Ended;
        }

        context.ContinueAsNew(input with
        {
            Cycle = input.Cycle + 1,
            Paused = paused || outcome == ShareCheckOutcome.RecordPaused,
            InitialSendDone = outcome == ShareCheckOutcome.Completed || input.InitialSendDone,
            PruneUnselected = false,
        });
        return Continued;
    }

    /// <summary>Runs one check.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="input">The episode's input.</param>
    /// <param name="interrupted">Tells whether a pause or cancel arrived; the check stops early when it does.</param>
    /// <returns>How the check ended; a completed one ends the first full send.</returns>
    protected abstract Task<ShareCheckOutcome> RunCheckAsync(IOrchestrationContext context, ShareSyncInput input, Func<bool> interrupted);

    /// <summary>Why a check did not run, from the status its first activity found in the record.</summary>
    /// <param name="status">The record's status.</param>
    /// <returns><see cref="ShareCheckOutcome.RecordPaused"/>, <see cref="ShareCheckOutcome.RecordEnded"/>, or incomplete for any other.</returns>
    protected static ShareCheckOutcome NotRun(string status) => status switch
    {
        ShareTransferStatus.Paused => ShareCheckOutcome.RecordPaused,
        ShareTransferStatus.Canceled or ShareTransferStatus.Superseded => ShareCheckOutcome.RecordEnded,
        _ => ShareCheckOutcome.Incomplete,
    };

    /// <summary>
    /// Ends a check that failed as a whole (a source or destination gone or refused): the transfer is marked failed with
    /// what failed, the automation goes on and the next check retries.
    /// </summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="input">The episode's input.</param>
    /// <param name="progress">The check's progress so far.</param>
    /// <param name="errors">The per-item errors so far.</param>
    /// <param name="failure">The activity failure that ended the check.</param>
    /// <param name="nextSyncAt">When the next check runs.</param>
    /// <returns>A task that completes when the failure is recorded.</returns>
    protected static Task FailCheckAsync(
        IOrchestrationContext context, ShareSyncInput input, ShareProgress progress, IReadOnlyList<ShareTransferError> errors, TaskFailedException failure, DateTime nextSyncAt)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(failure);
        return context.CallActivityAsync(
            nameof(CompleteShareCheckActivity),
            new CompleteShareCheckInput(input.Transfer, input.Cycle, progress, null, errors, ShareErrors.Describe(failure.TaskName, failure.FailureDetails), nextSyncAt));
    }
}

/// <summary>How a check of an automated transfer ended.</summary>
public enum ShareCheckOutcome
{
    /// <summary>It ran to its end.</summary>
    Completed,

    /// <summary>It failed, or stopped for a pause or a cancel.</summary>
    Incomplete,

    /// <summary>It did not run: the record says paused.</summary>
    RecordPaused,

    /// <summary>It did not run: the record says canceled or superseded.</summary>
    RecordEnded,
}
