using Transfers.Core.DurableTask;
using Transfers.Durable.Storage;

namespace Transfers.Durable;

/// <summary>Reads the embedded engine's committed history, for the management API.</summary>
public sealed class DurableHistory : IDurableHistory
{
    private readonly HubStore _store;

    internal DurableHistory(HubStore store) => _store = store;

    /// <inheritdoc/>
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
