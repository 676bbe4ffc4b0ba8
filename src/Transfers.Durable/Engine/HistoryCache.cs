using Azure;
using Transfers.Durable.Replay;

namespace Transfers.Durable.Engine;

/// <summary>
/// Keeps the history this process last committed per instance, keyed by the instance row's ETag: when the row is
/// unchanged, nobody else has written history since, and the step needs not read it again.
/// </summary>
internal sealed class HistoryCache
{
    private const int Capacity = 4096;
    private readonly Dictionary<string, (ETag ETag, List<HistoryEvent> History)> _entries = [];
    private readonly Lock _gate = new();

    public List<HistoryEvent>? TryGet(string instanceId, ETag etag)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(instanceId, out var entry) && entry.ETag == etag ? entry.History : null;
        }
    }

    public void Set(string instanceId, ETag etag, List<HistoryEvent> history)
    {
        lock (_gate)
        {
            if (_entries.Count >= Capacity && !_entries.ContainsKey(instanceId))
            {
                // Crude but bounded: a miss only costs one history read.
                _entries.Clear();
            }

            _entries[instanceId] = (etag, history);
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
