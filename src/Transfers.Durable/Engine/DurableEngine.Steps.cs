using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Durable.Replay;
using Transfers.Durable.Storage;

namespace Transfers.Durable.Engine;

/// <summary>
/// Orchestration steps: read the instance row and inbox, replay history, run the code on the new messages, and
/// commit the outcome in one transaction under the instance row's ETag.
/// </summary>
internal sealed partial class DurableEngine
{
    private readonly HistoryCache _cache = new();

    private async Task RunStepAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (!Owns(instanceId))
        {
            return;
        }

        var (instance, inbox, more) = await _store.ReadStepAsync(instanceId, _options.MaxMessagesPerStep, cancellationToken);
        if (instance is null)
        {
            _cache.Remove(instanceId);
            return;
        }

        var now = DateTime.UtcNow;
        if (instance.Status.IsTerminal())
        {
            // Late results and events of a finished instance have nobody to go to.
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

        var history = await GetHistoryAsync(instance, cancellationToken);
        var step = new Step(instance, history, now);
        step.ApplyControl(inbox.Where(m => m.IsControl));
        if (step.Terminated is null && step.Status != OrchestrationRuntimeStatus.Suspended)
        {
            step.AddMessages(inbox.Where(m => !m.IsControl));
            step.Episode = RunEpisode(instance, history, step.NewEvents);
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
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
            // Another process committed this instance first: start over from what it wrote.
            _cache.Remove(instanceId);
            Log.StepConflict(_logger, instanceId, ex.Status);
            Notify(instanceId);
            return;
        }

        var committed = commit.Instance;
        Log.StepCommitted(_logger, instanceId, committed.Status, commit.History.Count, commit.Work.Count);
        if (committed.Status.IsTerminal())
        {
            _cache.Remove(instanceId);
            SignalCompleted(instanceId);
        }
        else if (committed.Generation == instance.Generation)
        {
            _cache.Set(instanceId, etag, [.. history, .. commit.History.Select(h => h.Event)]);
        }
        else
        {
            _cache.Set(instanceId, etag, []);
        }

        foreach (var work in commit.Work)
        {
            Dispatch(work);
        }

        // A suspended instance leaves its other messages waiting; stepping again for them would spin.
        if (committed.NeedsStep || (more && (step.Status != OrchestrationRuntimeStatus.Suspended || inbox.TrueForAll(m => m.IsControl))))
        {
            Notify(instanceId);
        }
    }

    private async Task<List<HistoryEvent>> GetHistoryAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        if (_cache.TryGet(instance.InstanceId, instance.ETag) is { } cached)
        {
            return cached;
        }

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
