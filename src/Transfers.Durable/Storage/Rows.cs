using System.Globalization;

namespace Transfers.Durable.Storage;

/// <summary>
/// Row keys of an instance's partition. They sort as instance row, history (by generation, then sequence), inbox
/// (control requests first, then events, then task results) and pending work, so one range query reads each part.
/// </summary>
internal static class Rows
{
    public const string Instance = "!instance";
    public const string InboxStart = "i|";
    public const string InboxEnd = "i}";
    public const string WorkStart = "w|";

    public static string HistoryPrefix(int generation) => $"h|{generation:D8}|";

    public static string History(int generation, int sequence) => $"h|{generation:D8}|{sequence:D8}";

    public static string Control() => $"i|0|{Stamp()}";

    /// <summary>Events sort by arrival; <paramref name="index"/> keeps the order of events carried over together.</summary>
    public static string Event(DateTime at, int index = 0) => $"i|e|{at.Ticks:D19}|{index:D6}|{Guid.NewGuid():N}";

    /// <summary>One key per scheduled task, so a re-run activity or a re-fired timer cannot add a second result.</summary>
    public static string TaskResult(int generation, int taskId) => $"i|t|{generation:D8}|{taskId:D8}";

    public static string Work(WorkKind kind, int generation, int taskId) => $"w|{(char)kind}|{generation:D8}|{taskId:D8}";

    public static string NotifyParent(int generation) => $"w|{(char)WorkKind.NotifyParent}|{generation:D8}|";

    public static string Partition(int partition) => partition.ToString("D2", CultureInfo.InvariantCulture);

    private static string Stamp() => $"{DateTime.UtcNow.Ticks:D19}|{Guid.NewGuid():N}";
}

/// <summary>Kinds of inbox message; stored by name.</summary>
internal enum InboxKind
{
    TaskCompleted,
    TaskFailed,
    TimerFired,
    SubOrchestrationCompleted,
    SubOrchestrationFailed,
    Event,
    Terminate,
    Suspend,
    Resume,
}

/// <summary>Kinds of pending work; the character is part of the row key.</summary>
internal enum WorkKind
{
    Activity = 'a',
    Timer = 't',
    StartChild = 's',
    NotifyParent = 'p',
}

/// <summary>A message waiting in an instance's inbox.</summary>
/// <param name="RowKey">Its row key.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Generation">The generation a task result belongs to.</param>
/// <param name="TaskId">The task a result belongs to, or -1.</param>
/// <param name="Name">The event name.</param>
/// <param name="Data">The result, payload, failure or reason JSON.</param>
internal sealed record InboxMessage(string RowKey, InboxKind Kind, int Generation, int TaskId, string? Name, string? Data)
{
    public bool IsControl => Kind is InboxKind.Terminate or InboxKind.Suspend or InboxKind.Resume;
}

/// <summary>A row of pending work in an instance's partition.</summary>
/// <param name="InstanceId">The instance the work belongs to.</param>
/// <param name="RowKey">Its row key.</param>
/// <param name="Kind">What to do.</param>
/// <param name="Generation">The instance generation that scheduled it.</param>
/// <param name="TaskId">The task id, or the parent's task id for a notification.</param>
/// <param name="Name">The activity or orchestration name, or the inbox kind of a notification.</param>
/// <param name="Data">The input, or the result of a notification.</param>
/// <param name="FireAt">When a timer fires.</param>
/// <param name="TargetId">The child to start or the parent to notify.</param>
/// <param name="TargetGeneration">The parent's generation for a notification.</param>
/// <param name="TraceParent">The instance's trace context, for the span of an activity or child orchestration.</param>
internal sealed record WorkItem(
    string InstanceId,
    string RowKey,
    WorkKind Kind,
    int Generation,
    int TaskId,
    string? Name,
    string? Data,
    DateTime FireAt,
    string? TargetId,
    int TargetGeneration,
    string? TraceParent = null)
{
    public string Key => $"{InstanceId}\n{RowKey}";
}
