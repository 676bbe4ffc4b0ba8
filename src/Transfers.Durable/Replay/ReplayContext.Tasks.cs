using Transfers.Core.DurableTask;

namespace Transfers.Durable.Replay;

/// <summary>Activities, sub-orchestrations, timers and retries.</summary>
internal sealed partial class ReplayContext
{
    private readonly Dictionary<int, (string Name, TaskCompletionSource<string?> Source)> _openTasks = [];
    private readonly Dictionary<int, TaskCompletionSource> _openTimers = [];

    /// <inheritdoc/>
    public async Task<T> CallActivityAsync<T>(string name, object? input = null, RetryPolicy? retry = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var json = await WithRetryAsync(() => ScheduleTask(HistoryEventType.TaskScheduled, name, DurableJson.Serialize(input), null), retry);
        return DurableJson.Deserialize<T>(json)!;
    }

    /// <inheritdoc/>
    public Task CallActivityAsync(string name, object? input = null, RetryPolicy? retry = null) => CallActivityAsync<object?>(name, input, retry);

    /// <inheritdoc/>
    public async Task<T> CallSubOrchestratorAsync<T>(string name, object? input = null, string? instanceId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var childId = instanceId ?? $"{InstanceId}:{_generation}:{_nextTaskId}";
        InstanceIds.Validate(childId);
        var json = await ScheduleTask(HistoryEventType.SubOrchestrationInstanceCreated, name, DurableJson.Serialize(input), childId);
        return DurableJson.Deserialize<T>(json)!;
    }

    /// <inheritdoc/>
    public Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var id = AddAction(HistoryEventType.TimerCreated, "timer", null, fireAtUtc.ToUniversalTime());
        var source = new TaskCompletionSource();
        _openTimers.Add(id, source);
        if (cancellationToken.CanBeCanceled)
        {
            // The durable timer still fires later; its TimerFired is then ignored because nobody waits on it.
            cancellationToken.Register(() =>
            {
                _openTimers.Remove(id);
                source.TrySetCanceled(cancellationToken);
            });
        }

        return source.Task;
    }

    private Task<string?> ScheduleTask(HistoryEventType type, string name, string? input, string? childInstanceId)
    {
        var id = AddAction(type, name, input, childInstanceId: childInstanceId);
        var source = new TaskCompletionSource<string?>();
        _openTasks.Add(id, (name, source));
        return source.Task;
    }

    private async Task<string?> WithRetryAsync(Func<Task<string?>> attempt, RetryPolicy? retry)
    {
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt();
            }
            catch (TaskFailedException ex) when (retry is not null && retry.ShouldRetry(number, ex.FailureDetails))
            {
                // Back-off is a durable timer, so a retry waiting for minutes survives a restart like any other timer.
                await CreateTimer(CurrentUtcDateTime + retry.GetDelay(number), CancellationToken.None);
            }
        }
    }

    private void CompleteTask(int taskId, string? result, TaskFailureDetails? failure)
    {
        if (!_openTasks.Remove(taskId, out var open))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-Deterministic workflow detected: orchestration '{Name}' ({InstanceId}): history completes task {taskId}, but the replayed code has no such call.");
        }

        if (failure is null)
        {
            open.Source.SetResult(result);
        }
        else
        {
            open.Source.SetException(new TaskFailedException(open.Name, failure));
        }
    }

    private void FireTimer(int taskId)
    {
        if (_openTimers.Remove(taskId, out var timer))
        {
            timer.TrySetResult();
        }
    }
}
