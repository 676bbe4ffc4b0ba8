using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Core.Telemetry;
using Transfers.Durable.Storage;

namespace Transfers.Durable.Engine;

/// <summary>Committed work: activities, timers, starting sub-orchestrations and notifying parents.</summary>
internal sealed partial class DurableEngine
{
    /// <summary>Timers further out than this are left to the partition scan rather than held in memory.</summary>
    private static readonly TimeSpan TimerHorizon = TimeSpan.FromMinutes(5);

    private void Dispatch(WorkItem work)
    {
        var delay = work.Kind == WorkKind.Timer ? work.FireAt - DateTime.UtcNow : TimeSpan.Zero;
        if (!_running || delay > TimerHorizon || !_inflight.TryAdd(work.Key, 0))
        {
            return;
        }

        Track(work.InstanceId, 1);
        if (delay <= TimeSpan.Zero)
        {
            _work.Writer.TryWrite(work);
            return;
        }

        _ = FireLaterAsync(work, delay, _stopping.Token);
    }

    private async Task FireLaterAsync(WorkItem work, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);

            // Task.Delay counts whole milliseconds and can wake a fraction of one before the fire time, and the step that
            // takes the result stamps it with the clock at once: a timer must never fire before its time.
            while (DateTime.UtcNow < work.FireAt)
            {
                await Task.Delay(1, cancellationToken);
            }

            _work.Writer.TryWrite(work);
        }
        catch (OperationCanceledException)
        {
            Done(work);
        }
    }

    private void WakeAt(string instanceId, DateTime at)
    {
        var delay = at - DateTime.UtcNow;
        if (delay < TimerHorizon)
        {
            _ = WakeLaterAsync(instanceId, delay, _stopping.Token);
        }
    }

    private async Task WakeLaterAsync(string instanceId, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            Notify(instanceId);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the scan of whoever owns the partition next picks the start up.
        }
    }

    private void Done(WorkItem work)
    {
        _inflight.TryRemove(work.Key, out _);
        Track(work.InstanceId, -1);
    }

    private async Task WorkLoopAsync(CancellationToken cancellationToken)
    {
        await foreach (var work in _work.Reader.ReadAllAsync(CancellationToken.None))
        {
            var keep = false;
            try
            {
                if (!cancellationToken.IsCancellationRequested && Owns(work.InstanceId))
                {
                    keep = await ExecuteAsync(work, cancellationToken);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The work row stays, so the partition scan dispatches it again.
                Log.WorkFailed(_logger, work.InstanceId, work.RowKey, ex);
            }
            catch (OperationCanceledException)
            {
                // Shutting down: the work row stays for the next owner.
            }
            finally
            {
                if (!keep)
                {
                    Done(work);
                }
            }
        }
    }

    /// <summary>Does the work; returns <c>true</c> when its result waits in memory for the instance's next step.</summary>
    private async Task<bool> ExecuteAsync(WorkItem work, CancellationToken cancellationToken)
    {
        switch (work.Kind)
        {
            case WorkKind.Activity:
                return Deliver(work, await RunActivityAsync(work, cancellationToken));
            case WorkKind.Timer:
                return Deliver(work, new InboxMessage(Rows.TaskResult(work.Generation, work.TaskId), InboxKind.TimerFired, work.Generation, work.TaskId, null, null));
            case WorkKind.StartChild:
                await StartChildAsync(work, cancellationToken);
                return false;
            default:
                var result = new InboxMessage(Rows.TaskResult(work.TargetGeneration, work.TaskId), Enum.Parse<InboxKind>(work.Name!), work.TargetGeneration, work.TaskId, null, work.Data);
                await _store.AddInboxAsync(work.TargetId!, result, cancellationToken);
                await _store.DeleteWorkAsync(work, cancellationToken);
                Notify(work.TargetId!);
                return false;
        }
    }

    /// <summary>
    /// Hands a result straight to the next step of its instance when this process owns it: the step deletes the work
    /// row in its own transaction, which saves writing and reading an inbox row.
    /// </summary>
    private bool Deliver(WorkItem work, InboxMessage result)
    {
        if (!_running || !Owns(work.InstanceId))
        {
            _ = HandOverAsync(work, result);
            return true;
        }

        lock (_results)
        {
            if (!_results.TryGetValue(work.InstanceId, out var list))
            {
                _results[work.InstanceId] = list = [];
            }

            list.Add((work, result));
        }

        Notify(work.InstanceId, read: false);
        return true;
    }

    private bool HasLocalMessages(string instanceId)
    {
        lock (_results)
        {
            if (_results.ContainsKey(instanceId))
            {
                return true;
            }
        }

        lock (_raised)
        {
            if (_raised.ContainsKey(instanceId))
            {
                return true;
            }
        }

        lock (_starts)
        {
            return _starts.ContainsKey(instanceId);
        }
    }

    private List<(WorkItem Work, InboxMessage Result)> TakeResults(string instanceId, int max)
    {
        lock (_results)
        {
            if (!_results.TryGetValue(instanceId, out var list))
            {
                return [];
            }

            var taken = list.Take(max).ToList();
            list.RemoveRange(0, taken.Count);
            if (list.Count == 0)
            {
                _results.Remove(instanceId);
            }

            return taken;
        }
    }

    private void ReturnResults(string instanceId, IEnumerable<(WorkItem Work, InboxMessage Result)> results)
    {
        var back = results.ToList();
        if (back.Count == 0)
        {
            return;
        }

        lock (_results)
        {
            if (!_results.TryGetValue(instanceId, out var list))
            {
                _results[instanceId] = list = [];
            }

            list.InsertRange(0, back);
        }
    }

    /// <summary>Hands the results held for instances of partitions this process no longer owns to their inboxes.</summary>
    private void FlushMovedResults()
    {
        List<string> moved;
        lock (_results)
        {
            moved = [.. _results.Keys.Where(id => !Owns(id))];
        }

        foreach (var id in moved)
        {
            Notify(id, read: false);
        }
    }

    /// <summary>Records a result the slow way, as an inbox row; the work row goes in the same transaction.</summary>
    private async Task HandOverAsync(WorkItem work, InboxMessage result)
    {
        try
        {
            await CompleteAsync(work, result);
        }
        catch (Exception ex)
        {
            // The work row stays, so whoever owns the partition runs the work again.
            Log.WorkFailed(_logger, work.InstanceId, work.RowKey, ex);
        }
        finally
        {
            Done(work);
        }
    }

    private async Task<InboxMessage> RunActivityAsync(WorkItem work, CancellationToken cancellationToken)
    {
        InboxMessage result;
        var key = Rows.TaskResult(work.Generation, work.TaskId);
        using var span = TransfersTelemetry.StartActivity(work.Name!, work.InstanceId, work.TraceParent);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Exception? error = null;
        try
        {
            using var scope = _services.CreateScope();
            if (!_registry.TryCreateActivity(work.Name!, scope.ServiceProvider, out var activity))
            {
                throw new ArgumentException($"No activity named '{work.Name}' is registered.");
            }

            var input = DurableJson.Deserialize(work.Data, activity!.InputType);
            var output = await activity.RunAsync(new ActivityContext(work.Name!, work.InstanceId), input, cancellationToken);
            result = new InboxMessage(key, InboxKind.TaskCompleted, work.Generation, work.TaskId, null, DurableJson.Serialize(output));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.ActivityFailed(_logger, work.Name!, work.InstanceId, ex);
            result = new InboxMessage(key, InboxKind.TaskFailed, work.Generation, work.TaskId, null, DurableJson.Serialize(TaskFailureDetails.FromException(ex)));
            error = ex;
        }

        TransfersTelemetry.EndActivity(span, work.Name!, System.Diagnostics.Stopwatch.GetElapsedTime(started), error);
        return result;
    }

    private async Task CompleteAsync(WorkItem work, InboxMessage result)
    {
        // Not cancellable: once the activity ran, recording its result is cheaper than running it again.
        if (await _store.CompleteWorkAsync(work, result, CancellationToken.None))
        {
            Notify(work.InstanceId);
        }
    }

    private async Task StartChildAsync(WorkItem work, CancellationToken cancellationToken)
    {
        var childId = work.TargetId!;
        var existing = await _store.GetInstanceAsync(childId, withPayloads: false, cancellationToken);
        if (existing is not null && existing.ParentId == work.InstanceId && existing.ParentGeneration == work.Generation && existing.ParentTaskId == work.TaskId)
        {
            // Started before a crash; the child reports to its parent itself.
            await _store.DeleteWorkAsync(work, cancellationToken);
            return;
        }

        string? error = null;
        InstanceRecord? child = null;
        if (!_registry.Orchestrators.ContainsKey(work.Name!))
        {
            error = $"No orchestration named '{work.Name}' is registered.";
        }
        else
        {
            var now = DateTimeOffset.UtcNow;
            (var created, child) = await _store.CreateInstanceAsync(
                new InstanceRecord
                {
                    InstanceId = childId,
                    Name = work.Name!,
                    Status = OrchestrationRuntimeStatus.Pending,
                    Input = work.Data,
                    CreatedAt = now,
                    UpdatedAt = now,
                    ParentId = work.InstanceId,
                    ParentGeneration = work.Generation,
                    ParentTaskId = work.TaskId,
                    TraceParent = work.TraceParent,
                },
                cancellationToken);
            error = created ? null : new InstanceAlreadyExistsException(childId).Message;
        }

        if (error is not null)
        {
            var failure = DurableJson.Serialize(new TaskFailureDetails(typeof(InvalidOperationException).FullName!, error));
            await CompleteAsync(work, new InboxMessage(Rows.TaskResult(work.Generation, work.TaskId), InboxKind.SubOrchestrationFailed, work.Generation, work.TaskId, null, failure));
            return;
        }

        await _store.DeleteWorkAsync(work, cancellationToken);
        Created(child!);
    }
}
