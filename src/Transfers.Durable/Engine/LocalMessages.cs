using Transfers.Durable.Storage;

namespace Transfers.Durable.Engine;

/// <summary>
/// What one step takes from memory instead of storage: results of work this process ran, and events raised through
/// this process's client. Records which of them the step offered to the orchestration and which its commit consumed.
/// </summary>
/// <param name="results">The results, oldest first.</param>
/// <param name="events">The raised events, oldest first.</param>
internal sealed class LocalMessages(List<(WorkItem Work, InboxMessage Result)> results, List<RaisedEvent> events)
{
    /// <summary>Gets the results taken for the step.</summary>
    public List<(WorkItem Work, InboxMessage Result)> Results => results;

    /// <summary>Gets the events taken for the step.</summary>
    public List<RaisedEvent> Events => events;

    /// <summary>Gets the results the step looked at: consumed when committed, else handed to the inbox.</summary>
    public List<(WorkItem Work, InboxMessage Result)> OfferedResults { get; } = [];

    /// <summary>Gets the row keys the step's commit deleted; a result counts once because its work row is among them.</summary>
    public HashSet<string> Consumed { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets a value indicating whether results are left for a later step.</summary>
    public bool HasMoreResults => OfferedResults.Count < results.Count;

    /// <summary>Offers results, then events, as inbox messages, at most <paramref name="room"/> of them.</summary>
    /// <param name="room">How many messages the step can still take.</param>
    /// <param name="offeredEvents">Receives the events offered.</param>
    /// <returns>The messages; a result carries its work row's key, an event none, because it has no row to delete.</returns>
    public IEnumerable<InboxMessage> Offer(int room, List<RaisedEvent> offeredEvents)
    {
        OfferedResults.AddRange(results.Take(room));
        offeredEvents.AddRange(events.Take(room - OfferedResults.Count));
        return OfferedResults.Select(r => r.Result with { RowKey = r.Work.RowKey }).Concat(offeredEvents.Select(e => e.Message));
    }

    /// <summary>Gives up on every message: the instance is gone or finished, so results go to the inbox to be dropped there.</summary>
    /// <param name="settle">What to tell the events' callers.</param>
    public void DropAll(Action<RaisedEvent> settle)
    {
        OfferedResults.AddRange(results.Except(OfferedResults));
        events.ForEach(settle);
    }
}

/// <summary>An event raised through this process's client, waiting for the owning step to commit it.</summary>
/// <param name="name">The event name.</param>
/// <param name="payload">The payload JSON.</param>
internal sealed class RaisedEvent(string name, string? payload)
{
    /// <summary>Gets the event as the step sees it.</summary>
    public InboxMessage Message { get; } = new(string.Empty, InboxKind.Event, 0, -1, name, payload);

    /// <summary>
    /// Gets the outcome: <c>true</c> once committed to history (or dropped because the instance finished),
    /// <c>false</c> when the caller must write the event to the inbox; faulted when the instance does not exist or the
    /// commit's outcome is unknown.
    /// </summary>
    public TaskCompletionSource<bool> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
