namespace Transfers.Durable.Engine;

/// <summary>
/// Events raised through this process's client for instances it owns go to the instance's next step in memory and
/// are committed with it: no inbox row, no index touch and no read of them, and the caller returns once the event
/// is in history. Anything unusual (not owned, suspended, not started yet, a conflicting writer) falls back to the
/// inbox.
/// </summary>
internal sealed partial class DurableEngine
{
    private readonly Dictionary<string, List<RaisedEvent>> _raised = [];

    /// <summary>Hands an event to the owning step in this process.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="name">The event name.</param>
    /// <param name="payload">The payload JSON.</param>
    /// <returns>
    /// <c>true</c> when the event is committed to history or was dropped because the instance finished; <c>false</c>
    /// when the caller must write it to the inbox.
    /// </returns>
    /// <exception cref="Core.DurableTask.InstanceNotFoundException">The instance does not exist.</exception>
    public Task<bool> TryRaiseEventAsync(string instanceId, string name, string? payload)
    {
        if (!_running || !Owns(instanceId))
        {
            return Task.FromResult(false);
        }

        var raised = new RaisedEvent(name, payload);
        lock (_raised)
        {
            if (!_raised.TryGetValue(instanceId, out var list))
            {
                _raised[instanceId] = list = [];
            }

            list.Add(raised);
        }

        Notify(instanceId, read: false);

        // Stopping between the two lines above leaves nobody to take the event; the caller then uses the inbox.
        if (!_running)
        {
            SettleRaised();
        }

        return raised.Outcome.Task;
    }

    private List<RaisedEvent> TakeRaised(string instanceId)
    {
        lock (_raised)
        {
            return _raised.Remove(instanceId, out var list) ? list : [];
        }
    }

    /// <summary>
    /// Sends every waiting event's caller to the inbox, and every waiting start's caller to the plain insert: nobody
    /// here will step their instances.
    /// </summary>
    private void SettleRaised()
    {
        List<RaisedEvent> waiting;
        lock (_raised)
        {
            waiting = [.. _raised.Values.SelectMany(l => l)];
            _raised.Clear();
        }

        foreach (var raised in waiting)
        {
            raised.Outcome.TrySetResult(false);
        }

        List<PendingStart> starts;
        lock (_starts)
        {
            starts = [.. _starts.Values];
            _starts.Clear();
        }

        starts.ForEach(s => s.Outcome.TrySetResult(false));
    }
}
