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
    private readonly InstanceCache _cache = new();

    private async Task RunStepAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (!Owns(instanceId))
        {
            // The partition moved: results this process still holds go to the inbox for the new owner.
            foreach (var (work, result) in TakeResults(instanceId, int.MaxValue))
            {
                await HandOverAsync(work, result);
            }

            return;
        }

        var results = TakeResults(instanceId, _options.MaxMessagesPerStep);
        var offered = new List<(WorkItem Work, InboxMessage Result)>();
        try
        {
            await RunStepAsync(instanceId, results, offered, cancellationToken);
        }
        finally
        {
            // Results the step never looked at wait for the next one; results it failed to commit go the slow way,
            // through the inbox. Their work rows stay until one of the two commits.
            ReturnResults(instanceId, results.Except(offered));
            foreach (var (work, result) in offered)
            {
                await HandOverAsync(work, result);
            }
        }
    }

    private async Task RunStepAsync(
        string instanceId,
        List<(WorkItem Work, InboxMessage Result)> results,
        List<(WorkItem Work, InboxMessage Result)> offered,
        CancellationToken cancellationToken)
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
            offered.AddRange(results);
            return;
        }

        var now = DateTime.UtcNow;
        if (instance.Status.IsTerminal())
        {
            // Late results and events of a finished instance have nobody to go to.
            offered.AddRange(results);
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
            // A local result is consumed by deleting its work row: that is what makes it count once.
            var room = Math.Max(0, _options.MaxMessagesPerStep - inbox.Count);
            offered.AddRange(results.Take(room));
            step.AddMessages(inbox.Where(m => !m.IsControl).Concat(offered.Select(r => r.Result with { RowKey = r.Work.RowKey })));
            step.Episode = RunEpisode(instance, history, step.NewEvents);
        }
        else if (step.Terminated is not null)
        {
            offered.AddRange(results);
        }

        var moreLocal = offered.Count < results.Count;

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

        var consumed = commit.Delete.ToHashSet(StringComparer.Ordinal);
        foreach (var done in offered.Where(r => consumed.Contains(r.Work.RowKey)).ToList())
        {
            offered.Remove(done);
            Done(done.Work);
        }

        var committed = commit.Instance with { ETag = etag };
        Log.StepCommitted(_logger, instanceId, committed.Status, commit.History.Count, commit.Work.Count);
        if (committed.Status.IsTerminal())
        {
            _cache.Remove(instanceId);
            SignalCompleted(instanceId);
        }
        else if (etag == default)
        {
            _cache.Remove(instanceId);
        }
        else
        {
            _cache.Set(committed, committed.Generation == instance.Generation ? [.. history, .. commit.History.Select(h => h.Event)] : []);
        }

        foreach (var work in commit.Work)
        {
            Dispatch(work);
        }

        // A suspended instance leaves its other messages waiting; stepping again for them would spin.
        if (more && (step.Status != OrchestrationRuntimeStatus.Suspended || inbox.TrueForAll(m => m.IsControl)))
        {
            Notify(instanceId);
        }
        else if (committed.NeedsStep || (moreLocal && step.Status != OrchestrationRuntimeStatus.Suspended))
        {
            Notify(instanceId, read: false);
        }
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
