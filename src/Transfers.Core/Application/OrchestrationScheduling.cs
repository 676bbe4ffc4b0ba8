using Transfers.Core.DurableTask;

namespace Transfers.Core.Application;

/// <summary>
/// Schedule-after-save: the record of a use case is written first, then its orchestration is scheduled, and a schedule
/// that fails undoes the record so that nothing stays open with no orchestration to end it. Every family starts its
/// orchestrations this way; <see cref="DurableClientExtensions.TryScheduleAsync"/> is the schedule itself (a racing
/// start of the same instance counts as done).
/// </summary>
public static class OrchestrationScheduling
{
    /// <summary>
    /// Schedules the orchestration of a record just saved unless it runs already; when scheduling throws an exception
    /// <paramref name="undoOn"/> accepts, undoes the record (with no cancellation: the request may be gone, the undo
    /// must still happen) and then rethrows or reports it.
    /// </summary>
    /// <param name="durable">The durable client.</param>
    /// <param name="orchestratorName">The registered orchestration name.</param>
    /// <param name="input">The orchestration input.</param>
    /// <param name="instanceId">The instance id, derived from the record's id so that a retry schedules the same one.</param>
    /// <param name="undoAsync">
    /// Undoes the record; returns <c>false</c> when it found the record claimed by an orchestration after all (a schedule
    /// whose outcome was unknown went through).
    /// </param>
    /// <param name="undoOn">Which failures undo the record; others propagate and leave it to the reconciler.</param>
    /// <param name="rethrow">
    /// Whether an undone failure still propagates (the caller answers 500), rather than being reported as <c>false</c>
    /// (the caller answers with its own status, such as 503).
    /// </param>
    /// <param name="cancellationToken">Cancels the schedule.</param>
    /// <returns><c>true</c> when the orchestration is scheduled or runs; <c>false</c> when the schedule failed and the record was undone.</returns>
    public static async Task<bool> ScheduleOrUndoAsync(
        this IDurableClient durable,
        string orchestratorName,
        object? input,
        string instanceId,
        Func<CancellationToken, Task<bool>> undoAsync,
        Func<Exception, bool> undoOn,
        bool rethrow,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(undoAsync);
        ArgumentNullException.ThrowIfNull(undoOn);
        try
        {
            await durable.TryScheduleAsync(orchestratorName, input, instanceId, cancellationToken);
            return true;
        }
        catch (Exception e) when (undoOn(e))
        {
            var undone = await undoAsync(CancellationToken.None);
            if (rethrow)
            {
                throw;
            }

            return !undone;
        }
    }
}
