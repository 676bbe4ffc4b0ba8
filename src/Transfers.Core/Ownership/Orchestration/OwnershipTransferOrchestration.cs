using Microsoft.Extensions.Logging;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Ownership;

/// <summary>
/// One invitation, from invite to its end: waits for accept, dismiss or cancel, or the expiry timer, whichever comes
/// first; on accept moves the resources, one activity per chunk of a collection with a bounded number in flight, and
/// records <c>done</c> or <c>failed</c>. The API changes the record's state before it raises an event, so the
/// orchestration only does what follows from it. The instance id is <see cref="InstanceIdFor"/>.
/// </summary>
public sealed class OwnershipTransferOrchestration : Orchestrator<OwnershipTransferInput, string>
{
    /// <summary>The instance id of a transfer's orchestration.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <returns>The instance id.</returns>
    public static string InstanceIdFor(string transferId) => $"ownership-{transferId}";

    /// <summary>
    /// Schedules an invitation's orchestration unless one runs already: what an invitation, an answer and the reconciler
    /// do.
    /// </summary>
    /// <param name="durable">The durable client.</param>
    /// <param name="transfer">The transfer as recorded.</param>
    /// <param name="options">The Ownership settings, which travel in the input.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when this call scheduled it.</returns>
    public static Task<bool> TryScheduleAsync(IDurableClient durable, OwnershipTransfer transfer, OwnershipOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(durable);
        return durable.TryScheduleAsync(nameof(OwnershipTransferOrchestration), InputFor(transfer, options), InstanceIdFor(transfer.Id), cancellationToken);
    }

    /// <summary>The input of a transfer's orchestration: its id and expiry, and the settings it runs with.</summary>
    /// <param name="transfer">The transfer as recorded.</param>
    /// <param name="options">The Ownership settings, which travel in the input.</param>
    /// <returns>The input.</returns>
    public static OwnershipTransferInput InputFor(OwnershipTransfer transfer, OwnershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        ArgumentNullException.ThrowIfNull(options);
        return new OwnershipTransferInput(
            transfer.Id, transfer.ExpiresAt.UtcDateTime, options.MaxParallelMoves, options.ActivityMaxAttempts, options.ActivityFirstRetryInterval);
    }

    /// <inheritdoc/>
    public override async Task<string> RunAsync(IOrchestrationContext context, OwnershipTransferInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger(nameof(OwnershipTransferOrchestration));
        var retry = new RetryPolicy(input.ActivityMaxAttempts, input.ActivityFirstRetryInterval, backoffCoefficient: 2);
        var id = input.TransferId;

        using (var waiting = new CancellationTokenSource())
        {
            var accepted = context.WaitForExternalEvent<InviteAccepted>(OwnershipEvents.Accepted, waiting.Token);
            var dismissed = context.WaitForExternalEvent<InviteDismissed>(OwnershipEvents.Dismissed, waiting.Token);
            var canceled = context.WaitForExternalEvent<InviteCanceled>(OwnershipEvents.Canceled, waiting.Token);
            var expiry = context.CreateTimer(input.ExpiresAtUtc, waiting.Token);
            var first = await Task.WhenAny(accepted, dismissed, canceled, expiry);

            // Synchronously: CancelAsync would run the waiters' callbacks off the orchestration thread.
#pragma warning disable CA1849
            waiting.Cancel();
#pragma warning restore CA1849

            if (first == expiry)
            {
                // The invitee may have accepted just before the timer fired: the record decides.
                var status = await context.CallActivityAsync<string>(nameof(ExpireOwnershipInviteActivity), id, retry);
                if (status != OwnershipTransferStatus.Queued)
                {
                    return await CloseAsync(context, logger, id, status, retry);
                }
            }
            else if (first != accepted)
            {
                return await CloseAsync(context, logger, id, OwnershipTransferStatus.Canceled, retry);
            }
        }

        var started = await context.CallActivityAsync<string>(nameof(StartOwnershipTransferActivity), id, retry);
        if (started != OwnershipTransferStatus.Started)
        {
            return await CloseAsync(context, logger, id, started, retry);
        }

        string? failure = null;
        try
        {
            var chunks = await context.CallActivityAsync<IReadOnlyList<OwnershipMoveChunk>>(nameof(PlanOwnershipMovesActivity), id, retry);
            await MoveAsync(context, id, chunks, Math.Max(1, input.MaxParallelMoves), retry);
        }
        catch (TaskFailedException e)
        {
            failure = e.FailureDetails.ErrorMessage;
            Log.MoveFailed(logger, id, e.TaskName, failure);
        }

        var final = await context.CallActivityAsync<string>(
            nameof(CompleteOwnershipTransferActivity), new CompleteOwnershipTransferInput(id, context.CurrentUtcDateTime, failure), retry);
        return await CloseAsync(context, logger, id, final, retry);
    }

    private static async Task MoveAsync(
        IOrchestrationContext context, string transferId, IReadOnlyList<OwnershipMoveChunk> chunks, int maxParallel, RetryPolicy retry)
    {
        var inFlight = new List<Task<MoveOwnershipChunkResult>>(maxParallel);
        foreach (var chunk in chunks)
        {
            if (inFlight.Count == maxParallel)
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                await done;
            }

            inFlight.Add(context.CallActivityAsync<MoveOwnershipChunkResult>(nameof(MoveOwnershipChunkActivity), new MoveOwnershipChunkInput(transferId, chunk), retry));
        }

        await Task.WhenAll(inFlight);
    }

    private static async Task<string> CloseAsync(
        IOrchestrationContext context, ILogger logger, string transferId, string status, RetryPolicy retry)
    {
        await context.CallActivityAsync<bool>(nameof(ReleaseOwnershipLocksActivity), transferId, retry);
        Log.TransferClosed(logger, transferId, status);
        return status;
    }
}
