namespace Transfers.Core.DurableTask;

/// <summary>One event of an instance's history, as the management API shows it.</summary>
/// <param name="EventType">The Durable Task event type, such as <c>TaskCompleted</c>.</param>
/// <param name="Timestamp">When the engine recorded it.</param>
/// <param name="TaskId">The task sequence number that links a scheduling event to its result, or -1.</param>
/// <param name="Name">The activity, orchestration or event name.</param>
/// <param name="Data">The result, payload or failure as JSON, or the fire time of a timer.</param>
public sealed record DurableHistoryEvent(string EventType, DateTimeOffset Timestamp, int TaskId, string? Name, string? Data);

/// <summary>
/// Reads committed history, for the Durable-Functions-compatible management API. Not part of the durable port
/// (Durable Task's client has no such call): each backend reads its own storage.
/// </summary>
public interface IDurableHistory
{
    /// <summary>Reads the history of the instance's current generation.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The events in order, or an empty list when the instance does not exist.</returns>
    Task<IReadOnlyList<DurableHistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default);
}
