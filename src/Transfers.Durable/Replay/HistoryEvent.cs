namespace Transfers.Durable.Replay;

/// <summary>The kinds of history event, with Durable Task's names.</summary>
internal enum HistoryEventType
{
    OrchestratorStarted,
    ExecutionStarted,
    TaskScheduled,
    TaskCompleted,
    TaskFailed,
    TimerCreated,
    TimerFired,
    SubOrchestrationInstanceCreated,
    SubOrchestrationInstanceCompleted,
    SubOrchestrationInstanceFailed,
    EventRaised,
    ExecutionSuspended,
    ExecutionResumed,
    ExecutionTerminated,
    ExecutionCompleted,
    ExecutionFailed,
}

/// <summary>One committed fact of an instance's history.</summary>
/// <param name="Type">What happened.</param>
/// <param name="Timestamp">When the engine recorded it.</param>
/// <param name="TaskId">The task sequence number the event belongs to, or -1.</param>
/// <param name="Name">The activity, orchestration, timer or event name.</param>
/// <param name="Data">JSON: a result, payload, failure, or the fire time of a timer.</param>
internal sealed record HistoryEvent(HistoryEventType Type, DateTime Timestamp, int TaskId = -1, string? Name = null, string? Data = null);

/// <summary>What an orchestration asked for in an episode; committed as a history event plus a work row.</summary>
/// <param name="TaskId">The task sequence number.</param>
/// <param name="Type">TaskScheduled, TimerCreated or SubOrchestrationInstanceCreated.</param>
/// <param name="Name">The activity or orchestration name; "timer" for timers.</param>
/// <param name="Input">The serialized input.</param>
/// <param name="FireAt">When a timer fires.</param>
/// <param name="ChildInstanceId">The instance id of a sub-orchestration.</param>
internal sealed record OrchestrationAction(int TaskId, HistoryEventType Type, string Name, string? Input, DateTime FireAt, string? ChildInstanceId);
