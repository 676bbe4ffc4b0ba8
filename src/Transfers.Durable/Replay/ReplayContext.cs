using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Transfers.Core.DurableTask;

namespace Transfers.Durable.Replay;

/// <summary>
/// The orchestration context of one episode: replays committed history into fresh orchestration code, then feeds it
/// the new events and collects the actions it takes beyond history. One instance serves one episode only.
/// </summary>
internal sealed partial class ReplayContext : IOrchestrationContext
{
    private readonly OrchestrationScheduler _scheduler = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly string? _serializedInput;
    private readonly int _generation;
    private readonly SortedDictionary<int, OrchestrationAction> _actions = [];
    private int _nextTaskId;
    private int _guidCounter;
    private Task<object?>? _orchestration;
    private string? _customStatus;
    private bool _continueAsNew;
    private string? _continueAsNewInput;
    private bool _preserveEvents;

    /// <summary>Initializes a new instance of the <see cref="ReplayContext"/> class.</summary>
    /// <param name="name">The orchestration name.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="generation">The instance's generation; part of the deterministic GUIDs.</param>
    /// <param name="serializedInput">The input JSON.</param>
    /// <param name="customStatus">The custom status committed so far.</param>
    /// <param name="loggerFactory">Creates the replay-safe loggers.</param>
    public ReplayContext(string name, string instanceId, int generation, string? serializedInput, string? customStatus, ILoggerFactory loggerFactory)
    {
        Name = name;
        InstanceId = instanceId;
        _generation = generation;
        _serializedInput = serializedInput;
        _customStatus = customStatus;
        _loggerFactory = loggerFactory;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string InstanceId { get; }

    /// <inheritdoc/>
    public DateTime CurrentUtcDateTime { get; private set; }

    /// <inheritdoc/>
    public bool IsReplaying { get; private set; }

    /// <inheritdoc/>
    public T? GetInput<T>() => DurableJson.Deserialize<T>(_serializedInput);

    /// <inheritdoc/>
    public void SetCustomStatus(object? status) => _customStatus = DurableJson.Serialize(status);

    /// <inheritdoc/>
    public void ContinueAsNew(object? newInput, bool preserveUnprocessedEvents = true)
    {
        _continueAsNew = true;
        _continueAsNewInput = DurableJson.Serialize(newInput);
        _preserveEvents = preserveUnprocessedEvents;
    }

    /// <inheritdoc/>
    public Guid NewGuid()
    {
        // Name-based (RFC 9562 version 8): the same instance, generation and call count give the same id on every replay.
        var name = Encoding.UTF8.GetBytes($"{InstanceId}\n{_generation}\n{_guidCounter++}");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(name, hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <inheritdoc/>
    public ILogger CreateReplaySafeLogger(string categoryName) => new ReplaySafeLogger(this, _loggerFactory.CreateLogger(categoryName));

    /// <summary>Replays <paramref name="history"/>, applies <paramref name="newEvents"/> and reports where the code stands.</summary>
    /// <param name="orchestrator">A fresh orchestration object.</param>
    /// <param name="history">The committed history of this generation.</param>
    /// <param name="newEvents">The events of this step, starting with OrchestratorStarted.</param>
    /// <returns>The outcome, the new actions and what else the step must commit.</returns>
    public EpisodeResult Run(ITaskOrchestrator orchestrator, IReadOnlyList<HistoryEvent> history, IReadOnlyList<HistoryEvent> newEvents)
    {
        try
        {
            IsReplaying = true;
            foreach (var e in history)
            {
                Apply(orchestrator, e);
            }

            IsReplaying = false;
            foreach (var e in newEvents)
            {
                Apply(orchestrator, e);
            }
        }
        catch (NonDeterministicOrchestrationException ex)
        {
            return new EpisodeResult { Outcome = EpisodeOutcome.Failed, Failure = TaskFailureDetails.FromException(ex), CustomStatus = _customStatus };
        }

        return Conclude();
    }

    private EpisodeResult Conclude()
    {
        if (_orchestration is not { IsCompleted: true } done)
        {
            return new EpisodeResult { Outcome = EpisodeOutcome.Running, Actions = [.. _actions.Values], CustomStatus = _customStatus };
        }

        if (done.IsFaulted || done.IsCanceled)
        {
            var error = done.Exception?.InnerExceptions.Count == 1 ? done.Exception.InnerException! : (Exception?)done.Exception ?? new TaskCanceledException("The orchestration was cancelled.");
            return new EpisodeResult
            {
                Outcome = EpisodeOutcome.Failed,
                Failure = error is TaskFailedException failed
                    ? new TaskFailureDetails(typeof(TaskFailedException).FullName!, failed.Message, failed.StackTrace, failed.FailureDetails)
                    : TaskFailureDetails.FromException(error),
                Actions = [.. _actions.Values],
                CustomStatus = _customStatus,
            };
        }

        if (_continueAsNew)
        {
            return new EpisodeResult
            {
                Outcome = EpisodeOutcome.ContinuedAsNew,
                Output = _continueAsNewInput,
                CustomStatus = _customStatus,
                UnconsumedEvents = _preserveEvents ? [.. _buffered] : [],
            };
        }

        return new EpisodeResult
        {
            Outcome = EpisodeOutcome.Completed,
            Output = DurableJson.Serialize(done.Result),
            Actions = [.. _actions.Values],
            CustomStatus = _customStatus,
        };
    }

    private void Apply(ITaskOrchestrator orchestrator, HistoryEvent e)
    {
        switch (e.Type)
        {
            case HistoryEventType.OrchestratorStarted:
                CurrentUtcDateTime = e.Timestamp;
                return;
            case HistoryEventType.ExecutionStarted:
                Start(orchestrator);
                break;
            case HistoryEventType.TaskScheduled or HistoryEventType.TimerCreated or HistoryEventType.SubOrchestrationInstanceCreated:
                MatchAction(e);
                return;
            case HistoryEventType.TaskCompleted or HistoryEventType.SubOrchestrationInstanceCompleted:
                CompleteTask(e.TaskId, e.Data, failure: null);
                break;
            case HistoryEventType.TaskFailed or HistoryEventType.SubOrchestrationInstanceFailed:
                CompleteTask(e.TaskId, null, DurableJson.Deserialize<TaskFailureDetails>(e.Data));
                break;
            case HistoryEventType.TimerFired:
                FireTimer(e.TaskId);
                break;
            case HistoryEventType.EventRaised:
                DeliverEvent(e.Name!, e.Data);
                break;
            default:
                return;
        }

        _scheduler.RunUntilIdle();
    }

    private void Start(ITaskOrchestrator orchestrator)
    {
        _orchestration = Task.Factory.StartNew(
            () =>
            {
                var input = DurableJson.Deserialize(_serializedInput, orchestrator.InputType);
                return orchestrator.RunAsync(this, input);
            },
            CancellationToken.None,
            TaskCreationOptions.DenyChildAttach,
            _scheduler).Unwrap();
    }

    private void MatchAction(HistoryEvent recorded)
    {
        if (!_actions.Remove(recorded.TaskId, out var taken))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-Deterministic workflow detected: orchestration '{Name}' ({InstanceId}): history has {Describe(recorded.Type, recorded.Name)} as task {recorded.TaskId}, " +
                $"but the replayed code did not call it (it made {_nextTaskId} calls).");
        }

        if (taken.Type != recorded.Type || !string.Equals(taken.Name, recorded.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-Deterministic workflow detected: orchestration '{Name}' ({InstanceId}): task {recorded.TaskId} is {Describe(recorded.Type, recorded.Name)} in history, " +
                $"but the replayed code called {Describe(taken.Type, taken.Name)}.");
        }
    }

    private static string Describe(HistoryEventType type, string? name) => type switch
    {
        HistoryEventType.TaskScheduled => $"activity '{name}'",
        HistoryEventType.SubOrchestrationInstanceCreated => $"sub-orchestration '{name}'",
        _ => "a timer",
    };

    private int AddAction(HistoryEventType type, string name, string? input, DateTime fireAt = default, string? childInstanceId = null)
    {
        var id = _nextTaskId++;
        _actions.Add(id, new OrchestrationAction(id, type, name, input, fireAt, childInstanceId));
        return id;
    }

    private sealed class ReplaySafeLogger(ReplayContext context, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
