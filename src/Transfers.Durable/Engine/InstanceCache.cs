using Transfers.Durable.Replay;
using Transfers.Durable.Storage;

namespace Transfers.Durable.Engine;

/// <summary>
/// The instance row and history this process last committed or read, per instance. The row carries its ETag: a step
/// may trust the cached state without reading, because its commit fails on the ETag if anyone wrote the row since.
/// </summary>
internal sealed class InstanceCache
{
    private const int Capacity = 4096;
    private readonly Dictionary<string, (InstanceRecord Instance, List<HistoryEvent> History)> _entries = [];
    private readonly Lock _gate = new();

    public (InstanceRecord Instance, List<HistoryEvent> History)? TryGet(string instanceId)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(instanceId, out var entry) ? entry : null;
        }
    }

    public void Set(InstanceRecord instance, List<HistoryEvent> history)
    {
        lock (_gate)
        {
            if (_entries.Count >= Capacity && !_entries.ContainsKey(instance.InstanceId))
            {
                // Crude but bounded: a miss only costs one read.
                _entries.Clear();
            }

            _entries[instance.InstanceId] = (instance, history);
        }
    }

    public void Remove(string instanceId)
    {
        lock (_gate)
        {
            _entries.Remove(instanceId);
        }
    }
}
