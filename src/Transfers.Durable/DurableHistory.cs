using Transfers.Core.DurableTask;
using Transfers.Durable.Storage;

namespace Transfers.Durable;

/// <summary>One event of an instance's history, as the management API shows it.</summary>
/// <param name="EventType">The Durable Task event type, such as <c>TaskCompleted</c>.</param>
/// <param name="Timestamp">When the engine recorded it.</param>
/// <param name="TaskId">The task sequence number, or -1.</param>
/// <param name="Name">The activity, orchestration or event name.</param>
/// <param name="Data">The result, payload or failure as JSON, or the fire time of a timer.</param>
public sealed record DurableHistoryEvent(string EventType, DateTimeOffset Timestamp, int TaskId, string? Name, string? Data);

/// <summary>Reads committed history, for the management API; not part of the durable port.</summary>
public sealed class DurableHistory
{
    private readonly HubStore _store;

    internal DurableHistory(HubStore store) => _store = store;

    /// <summary>Reads the history of the instance's current generation.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The events in order, or an empty list when the instance does not exist.</returns>
    public async Task<IReadOnlyList<DurableHistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        if (await _store.GetInstanceAsync(instanceId, withPayloads: false, cancellationToken) is not { } instance)
        {
            return [];
        }

        var events = await _store.ReadHistoryAsync(instanceId, instance.Generation, cancellationToken);
        return [.. events.Take(instance.HistoryCount).Select(e => new DurableHistoryEvent(e.Type.ToString(), new DateTimeOffset(e.Timestamp, TimeSpan.Zero), e.TaskId, e.Name, e.Data))];
    }
}
