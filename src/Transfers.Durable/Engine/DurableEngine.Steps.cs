using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Durable.Replay;
using Transfers.Durable.Storage;

namespace Transfers.Durable.Engine;

/// <summary>
/// Orchestration steps: take the instance row and inbox (from storage, or from memory when this process made the
/// last change), replay history, run the code on the new messages, and commit the outcome in one transaction under
/// the instance row's ETag.
/// </summary>
internal sealed partial class DurableEngine
{
    private async Task RunStepAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (!Owns(instanceId))
        {
            // The partition moved: results and events this process still holds go to the inbox for the new owner.
            foreach (var (work, result) in TakeResults(instanceId, int.MaxValue))
            {
                await HandOverAsync(work, result);
            }

            TakeRaised(instanceId).ForEach(e => e.Outcome.TrySetResult(false));
            TakeStart(instanceId)?.Outcome.TrySetResult(false);
            return;
        }

        if (TakeStart(instanceId) is { } start)
        {
            await RunStartAsync(start, cancellationToken);
            return;
        }

        var local = new LocalMessages(TakeResults(instanceId, _options.MaxMessagesPerStep), TakeRaised(instanceId));
        var offeredEvents = new List<RaisedEvent>();
        try
        {
            await RunStepAsync(instanceId, local, offeredEvents, cancellationToken);
        }
        catch (Exception ex)
        {
            // The commit may or may not have landed: writing these events to the inbox could add them twice.
            offeredEvents.ForEach(e => e.Outcome.TrySetException(ex));
            throw;
        }
        finally
        {
            // Results the step never looked at wait for the next one; results it offered but did not commit go the
            // slow way, through the inbox. Their work rows stay until one of the two commits. Events it did not
            // commit go to the inbox through their callers.
            ReturnResults(instanceId, local.Results.Except(local.OfferedResults));
            foreach (var (work, result) in local.OfferedResults.Where(r => !local.Consumed.Contains(r.Work.RowKey)))
            {
                await HandOverAsync(work, result);
            }

            local.Events.ForEach(e => e.Outcome.TrySetResult(false));
        }
    }

    private async Task RunStepAsync(string instanceId, LocalMessages local, List<RaisedEvent> offeredEvents, CancellationToken cancellationToken)
    {
        var read = _needsRead.TryRemove(instanceId, out _);
        var cached = _cache.TryGet(instanceId);
        InstanceRecord? instance;
        List<InboxMessage> inbox;
        var more = false;
        if (read || cached is null)
        {
            (instance, inbox, more) = await _store.ReadStepAsync(instanceId, _options.MaxMessagesPerStep, cancellationToken);
        }
        else
        {
            instance = cached.Value.Instance;
            inbox = [];
        }

        if (instance is null)
        {
            _cache.Remove(instanceId);
            local.DropAll(e => e.Outcome.TrySetException(new InstanceNotFoundException(instanceId)));
            return;
        }

        var now = DateTime.UtcNow;
        if (instance.Status.IsTerminal())
        {
            // Late results and events of a finished instance have nobody to go to.
            local.DropAll(e => e.Outcome.TrySetResult(true));
            await _store.DeleteRowsAsync(instanceId, inbox.Select(m => m.RowKey), cancellationToken);
            if (more)
            {
                Notify(instanceId);
            }

            return;
        }

        if (instance is { Status: OrchestrationRuntimeStatus.Pending, StartAt: { } startAt } && startAt > now)
        {
            WakeAt(instanceId, startAt.UtcDateTime);
            return;
        }

        var history = cached is { } c && c.Instance.ETag == instance.ETag ? c.History : await ReadHistoryAsync(instance, cancellationToken);
        var step = new Step(instance, history, now);
        step.ApplyControl(inbox.Where(m => m.IsControl));
        if (step.Terminated is null && step.Status != OrchestrationRuntimeStatus.Suspended)
        {
            // A local result is consumed by deleting its work row: that is what makes it count once. While a
            // ContinueAsNew carries its events over, new messages wait for the next generation.
            var room = Math.Max(0, _options.MaxMessagesPerStep - inbox.Count);
            step.AddMessages(instance.Carried is null ? inbox.Where(m => !m.IsControl).Concat(local.Offer(room, offeredEvents)) : []);
            step.Episode = RunEpisode(instance, history, step.NewEvents);
        }
        else if (step.Terminated is not null)
        {
            local.DropAll(e => offeredEvents.Add(e));
        }

        if (!step.HasChanges)
        {
            return;
        }

        var commit = step.Build();
        ETag etag;
        try
        {
            etag = await _store.CommitStepAsync(commit, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            // Someone else changed the instance first (or finished a piece of work): start over from storage.
            _cache.Remove(instanceId);
            Log.StepConflict(_logger, instanceId, ex.Status);
            Notify(instanceId);
            return;
        }

        local.Consumed.UnionWith(commit.Delete);
        foreach (var (work, _) in local.OfferedResults.Where(r => local.Consumed.Contains(r.Work.RowKey)))
        {
            Done(work);
        }

        offeredEvents.ForEach(e => e.Outcome.TrySetResult(true));

        var committed = AfterCommit(instance, history, commit, etag);

        // A suspended instance leaves its other messages waiting; stepping again for them would spin.
        if (more && (step.Status != OrchestrationRuntimeStatus.Suspended || inbox.TrueForAll(m => m.IsControl)))
        {
            Notify(instanceId);
        }
        else if (committed.NeedsStep || (local.HasMoreResults && step.Status != OrchestrationRuntimeStatus.Suspended))
        {
            // Events carried over a ContinueAsNew wait in the inbox, where only a read finds them.
            Notify(instanceId, read: commit.AddInbox.Count > 0);
        }
    }

    /// <summary>Keeps what a step committed for the next one, signals a finish and dispatches the new work.</summary>
    /// <returns>The instance row as committed.</returns>
    private InstanceRecord AfterCommit(InstanceRecord read, List<HistoryEvent> history, StepCommit commit, ETag etag)
    {
        var instanceId = read.InstanceId;
        var committed = commit.Instance with { ETag = etag };
        Log.StepCommitted(_logger, instanceId, committed.Status, commit.History.Count, commit.Work.Count);
        if (committed.Status.IsTerminal())
        {
            _cache.Remove(instanceId);
            SignalCompleted(committed);
            if (commit.Work.Count == 0 && !HasOpenTasks([.. history, .. commit.History.Select(h => h.Event)]))
            {
                // Nothing of this instance is left to find: spare the partition scan a look at it. The instance counts
                // as active until the delete went out, so that the scan does not look at it meanwhile either.
                Track(instanceId, 1);
                _ = _store.DeleteIndexLaterAsync(instanceId).ContinueWith(_ => Track(instanceId, -1), TaskScheduler.Default);
            }
        }
        else if (etag == default)
        {
            _cache.Remove(instanceId);
        }
        else
        {
            _cache.Set(committed, committed.Generation == read.Generation ? [.. history, .. commit.History.Select(h => h.Event)] : []);
        }

        foreach (var work in commit.Work)
        {
            Dispatch(work);
        }

        return committed;
    }

    /// <summary>Whether history has tasks or timers that never finished, whose work rows still wait in storage.</summary>
    private static bool HasOpenTasks(List<HistoryEvent> history)
    {
        var open = new HashSet<int>();
        foreach (var e in history)
        {
            if (e.Type is HistoryEventType.TaskScheduled or HistoryEventType.TimerCreated or HistoryEventType.SubOrchestrationInstanceCreated)
            {
                open.Add(e.TaskId);
            }
            else if (e.TaskId >= 0)
            {
                open.Remove(e.TaskId);
            }
        }

        return open.Count > 0;
    }

    private async Task<List<HistoryEvent>> ReadHistoryAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        var history = await _store.ReadHistoryAsync(instance.InstanceId, instance.Generation, cancellationToken);

        // Rows past the committed count would only come from a transaction that failed; they are not history.
        return history.Count > instance.HistoryCount ? history[..instance.HistoryCount] : history;
    }

    private EpisodeResult RunEpisode(InstanceRecord instance, List<HistoryEvent> history, List<HistoryEvent> newEvents)
    {
        using var scope = _services.CreateScope();
        if (!_registry.TryCreateOrchestrator(instance.Name, scope.ServiceProvider, out var orchestrator))
        {
            return new EpisodeResult
            {
                Outcome = EpisodeOutcome.Failed,
                Failure = new TaskFailureDetails(typeof(ArgumentException).FullName!, $"No orchestration named '{instance.Name}' is registered."),
            };
        }

        var context = new ReplayContext(instance.Name, instance.InstanceId, instance.Generation, instance.Input, instance.CustomStatus, _loggerFactory);
        return context.Run(orchestrator!, history, newEvents);
    }
}
