using Transfers.Core.DurableTask;
using Transfers.Durable.Replay;
using Transfers.Durable.Storage;

namespace Transfers.Durable.Engine;

/// <summary>
/// Turns what one step read (instance row, history, inbox) and what the episode produced into one transaction of at
/// most 100 entities. Work that does not fit is left for the next step, which replays and finds it again.
/// </summary>
internal sealed class Step
{
    private readonly InstanceRecord _instance;
    private readonly List<HistoryEvent> _history;
    private readonly DateTime _now;
    private readonly List<string> _consumed = [];
    private readonly List<HistoryEvent> _controlEvents = [];

    /// <summary>Initializes a new instance of the <see cref="Step"/> class.</summary>
    /// <param name="instance">The instance row as read.</param>
    /// <param name="history">The committed history of the current generation.</param>
    /// <param name="now">The step's time; becomes the orchestration's current time.</param>
    public Step(InstanceRecord instance, List<HistoryEvent> history, DateTime now)
    {
        _instance = instance;
        _history = history;
        _now = now;
        Status = instance.Status;
    }

    /// <summary>Gets the events this step adds to history before the episode's own actions.</summary>
    public List<HistoryEvent> NewEvents { get; } = [];

    /// <summary>Gets the status after the control messages.</summary>
    public OrchestrationRuntimeStatus Status { get; private set; }

    /// <summary>Gets the terminate request, when one was read.</summary>
    public InboxMessage? Terminated { get; private set; }

    /// <summary>Gets or sets what the episode produced; <c>null</c> when the code did not run.</summary>
    public EpisodeResult? Episode { get; set; }

    /// <summary>Gets a value indicating whether there is anything to commit.</summary>
    public bool HasChanges => _consumed.Count > 0 || Episode is not null || Terminated is not null;

    /// <summary>Applies terminate, suspend and resume requests in arrival order.</summary>
    /// <param name="controls">The control messages.</param>
    public void ApplyControl(IEnumerable<InboxMessage> controls)
    {
        foreach (var message in controls)
        {
            _consumed.Add(message.RowKey);
            switch (message.Kind)
            {
                case InboxKind.Terminate:
                    Terminated = message;
                    return;
                case InboxKind.Suspend when Status != OrchestrationRuntimeStatus.Suspended:
                    Status = OrchestrationRuntimeStatus.Suspended;
                    _controlEvents.Add(new HistoryEvent(HistoryEventType.ExecutionSuspended, _now, Data: message.Data));
                    break;
                case InboxKind.Resume when Status == OrchestrationRuntimeStatus.Suspended:
                    Status = OrchestrationRuntimeStatus.Running;
                    _controlEvents.Add(new HistoryEvent(HistoryEventType.ExecutionResumed, _now, Data: message.Data));
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Turns the inbox messages into the new events of the episode.</summary>
    /// <param name="messages">The non-control messages.</param>
    public void AddMessages(IEnumerable<InboxMessage> messages)
    {
        NewEvents.Add(new HistoryEvent(HistoryEventType.OrchestratorStarted, _now));
        NewEvents.AddRange(_controlEvents);
        if (!_history.Exists(e => e.Type == HistoryEventType.ExecutionStarted))
        {
            NewEvents.Add(new HistoryEvent(HistoryEventType.ExecutionStarted, _now, Name: _instance.Name));
        }

        foreach (var message in messages)
        {
            // An event raised in this process has no row to delete.
            if (message.RowKey.Length > 0)
            {
                _consumed.Add(message.RowKey);
            }

            var isResult = message.Kind != InboxKind.Event;
            if (isResult && message.Generation != _instance.Generation)
            {
                // A result for a generation that ContinueAsNew left behind.
                continue;
            }

            if (!isResult && message.RowKey.Length > 0 && message.Generation < _instance.FirstGeneration)
            {
                // An event raised to an earlier run of this id that ended without it.
                continue;
            }

            NewEvents.Add(message.Kind switch
            {
                InboxKind.TaskCompleted => new HistoryEvent(HistoryEventType.TaskCompleted, _now, message.TaskId, Data: message.Data),
                InboxKind.TaskFailed => new HistoryEvent(HistoryEventType.TaskFailed, _now, message.TaskId, Data: message.Data),
                InboxKind.TimerFired => new HistoryEvent(HistoryEventType.TimerFired, _now, message.TaskId),
                InboxKind.SubOrchestrationCompleted => new HistoryEvent(HistoryEventType.SubOrchestrationInstanceCompleted, _now, message.TaskId, Data: message.Data),
                InboxKind.SubOrchestrationFailed => new HistoryEvent(HistoryEventType.SubOrchestrationInstanceFailed, _now, message.TaskId, Data: message.Data),
                _ => new HistoryEvent(HistoryEventType.EventRaised, _now, Name: message.Name, Data: message.Data),
            });
        }
    }

    /// <summary>Builds the transaction.</summary>
    /// <returns>The commit; its instance row carries the ETag read at the start of the step.</returns>
    public StepCommit Build()
    {
        var next = _instance with { UpdatedAt = _now, NeedsStep = false, Status = Status };
        var history = new List<HistoryEvent>();
        var work = new List<WorkItem>();
        var carried = new List<InboxMessage>();
        if (Terminated is { } terminate)
        {
            history.AddRange(_controlEvents);
            history.Add(new HistoryEvent(HistoryEventType.ExecutionTerminated, _now, Data: terminate.Data));
            next = next with { Status = OrchestrationRuntimeStatus.Terminated, Output = terminate.Data };
            AddParentNotice(work, InboxKind.SubOrchestrationFailed, DurableJson.Serialize(new TaskFailureDetails("Terminated", $"The sub-orchestration was terminated: {terminate.Data}")));
        }
        else if (Episode is null)
        {
            history.AddRange(_controlEvents);
        }
        else
        {
            CheckCarry();
            next = next with { CustomStatus = Episode.CustomStatus, Status = OrchestrationRuntimeStatus.Running };
            switch (Episode.Outcome)
            {
                case EpisodeOutcome.ContinuedAsNew:
                    next = ContinueAsNew(next, history, carried);
                    break;
                case EpisodeOutcome.Failed:
                    history.AddRange(NewEvents);
                    history.Add(new HistoryEvent(HistoryEventType.ExecutionFailed, _now, Data: DurableJson.Serialize(Episode.Failure)));
                    next = next with { Status = OrchestrationRuntimeStatus.Failed, Failure = Episode.Failure };
                    AddParentNotice(work, InboxKind.SubOrchestrationFailed, DurableJson.Serialize(Episode.Failure));
                    break;
                default:
                    history.AddRange(NewEvents);
                    next = AddActions(next, history, work);
                    break;
            }
        }

        var deletes = new List<string>(_consumed);
        var count = 1 + history.Count + work.Count + carried.Count + deletes.Count;

        // Unreachable while MaxMessagesPerStep stays within its validated range; a step that broke it would never commit.
        if (count > HubStore.MaxBatch)
        {
            throw new InvalidOperationException($"A step of instance '{_instance.InstanceId}' needs {count} rows, more than one transaction holds.");
        }

        if (next.Generation == _instance.Generation)
        {
            next = next with { HistoryCount = _instance.HistoryCount + history.Count };
        }

        next = next with { StaleHistory = TrimStale(next.StaleHistory, deletes, HubStore.MaxBatch - count) };
        var commit = new StepCommit { Instance = next, HistoryGeneration = _instance.Generation };
        var sequence = _instance.HistoryCount;
        foreach (var e in history)
        {
            commit.History.Add((sequence++, e));
        }

        commit.Work.AddRange(work);
        commit.AddInbox.AddRange(carried);
        commit.Delete.AddRange(deletes);
        return commit;
    }

    /// <summary>
    /// Carries the unconsumed events over to the next generation. Events that do not fit in this transaction go in the
    /// next steps' transactions, each under the instance row's ETag, so that each is carried exactly once even when a
    /// process dies in between; meanwhile the instance stays in its generation (with what this step consumed in its
    /// history, so that every replay reaches the same ContinueAsNew) and takes no new messages.
    /// </summary>
    private InstanceRecord ContinueAsNew(InstanceRecord next, List<HistoryEvent> history, List<InboxMessage> carried)
    {
        var events = Episode!.UnconsumedEvents;
        var from = _instance.Carried ?? 0;
        var at = _instance.CarryAt ?? new DateTimeOffset(_now, TimeSpan.Zero);
        var room = HubStore.MaxBatch - 1 - _consumed.Count;
        if (events.Count - from > room)
        {
            history.AddRange(NewEvents);
            var to = from + room - history.Count;
            AddCarried(carried, from, to, at);
            return next with { Carried = to, CarryAt = at, NeedsStep = true };
        }

        AddCarried(carried, from, events.Count, at);
        return next with
        {
            Generation = _instance.Generation + 1,
            HistoryCount = 0,
            Input = Episode.Output,
            NeedsStep = true,
            StaleHistory = HubStore.AppendStale(_instance.StaleHistory, _instance.Generation, 0, _instance.HistoryCount),
            Carried = null,
            CarryAt = null,
        };
    }

    private void AddCarried(List<InboxMessage> carried, int from, int to, DateTimeOffset at)
    {
        for (var i = from; i < to; i++)
        {
            var (name, payload) = Episode!.UnconsumedEvents[i];
            carried.Add(new InboxMessage(Rows.Event(at.UtcDateTime, i), InboxKind.Event, _instance.Generation + 1, -1, name, payload));
        }
    }

    /// <summary>Fails an instance whose replay no longer reaches the ContinueAsNew whose events it is carrying.</summary>
    private void CheckCarry()
    {
        if (_instance.Carried is { } done && (Episode!.Outcome != EpisodeOutcome.ContinuedAsNew || Episode.UnconsumedEvents.Count < done))
        {
            Episode = new EpisodeResult
            {
                Outcome = EpisodeOutcome.Failed,
                Failure = new TaskFailureDetails(
                    typeof(NonDeterministicOrchestrationException).FullName!,
                    $"Non-Deterministic workflow detected: orchestration '{_instance.Name}' ({_instance.InstanceId}): {done} events of its ContinueAsNew are carried over already, " +
                    $"but the replayed code {(Episode.Outcome == EpisodeOutcome.ContinuedAsNew ? $"leaves only {Episode.UnconsumedEvents.Count} events to carry" : "no longer continues as new")}."),
                CustomStatus = Episode.CustomStatus,
            };
        }
    }

    private InstanceRecord AddActions(InstanceRecord next, List<HistoryEvent> history, List<WorkItem> work)
    {
        var episode = Episode!;
        var gen = _instance.Generation;

        // Each action costs a history row and a work row; the instance row, the new events and the deletions come first.
        var budget = HubStore.MaxBatch - 1 - history.Count - _consumed.Count;
        var fit = Math.Max(0, Math.Min(episode.Actions.Count, budget / 2));
        foreach (var action in episode.Actions.Take(fit))
        {
            switch (action.Type)
            {
                case HistoryEventType.TaskScheduled:
                    history.Add(new HistoryEvent(action.Type, _now, action.TaskId, action.Name));
                    work.Add(new WorkItem(_instance.InstanceId, Rows.Work(WorkKind.Activity, gen, action.TaskId), WorkKind.Activity, gen, action.TaskId, action.Name, action.Input, default, null, 0, _instance.TraceParent));
                    break;
                case HistoryEventType.TimerCreated:
                    history.Add(new HistoryEvent(action.Type, _now, action.TaskId, action.Name, action.FireAt.ToString("O")));
                    work.Add(new WorkItem(_instance.InstanceId, Rows.Work(WorkKind.Timer, gen, action.TaskId), WorkKind.Timer, gen, action.TaskId, null, null, action.FireAt, null, 0));
                    break;
                default:
                    history.Add(new HistoryEvent(action.Type, _now, action.TaskId, action.Name, action.ChildInstanceId));
                    work.Add(new WorkItem(_instance.InstanceId, Rows.Work(WorkKind.StartChild, gen, action.TaskId), WorkKind.StartChild, gen, action.TaskId, action.Name, action.Input, default, action.ChildInstanceId, 0, _instance.TraceParent));
                    break;
            }
        }

        var allCommitted = fit == episode.Actions.Count;
        if (episode.Outcome == EpisodeOutcome.Completed && allCommitted && budget - (2 * fit) >= 2)
        {
            history.Add(new HistoryEvent(HistoryEventType.ExecutionCompleted, _now, Data: episode.Output));
            AddParentNotice(work, InboxKind.SubOrchestrationCompleted, episode.Output);
            return next with { Status = OrchestrationRuntimeStatus.Completed, Output = episode.Output };
        }

        // Actions left over, or a completion that did not fit: the next step replays and commits the rest.
        return next with { NeedsStep = !allCommitted || episode.Outcome == EpisodeOutcome.Completed };
    }

    private void AddParentNotice(List<WorkItem> work, InboxKind kind, string? data)
    {
        if (_instance.ParentId is { } parent)
        {
            var gen = _instance.Generation;
            work.Add(new WorkItem(_instance.InstanceId, Rows.NotifyParent(gen), WorkKind.NotifyParent, gen, _instance.ParentTaskId, kind.ToString(), data, default, parent, _instance.ParentGeneration));
        }
    }

    /// <summary>Deletes history of earlier generations with the room left in the transaction.</summary>
    private static string? TrimStale(string? stale, List<string> delete, int room)
    {
        if (string.IsNullOrEmpty(stale))
        {
            return stale;
        }

        var left = new List<string>();
        foreach (var range in stale.Split(';'))
        {
            var parts = range.Split(':');
            int gen = int.Parse(parts[0]), from = int.Parse(parts[1]), to = int.Parse(parts[2]);
            while (from < to && room > 0)
            {
                delete.Add(Rows.History(gen, from++));
                room--;
            }

            if (from < to)
            {
                left.Add($"{gen}:{from}:{to}");
            }
        }

        return left.Count == 0 ? null : string.Join(';', left);
    }
}
