using Transfers.Core.DurableTask;
using Transfers.Core.Telemetry;
using Transfers.Durable.Engine;
using Transfers.Durable.Storage;

namespace Transfers.Durable.Client;

/// <summary>The engine's <see cref="IDurableClient"/>: writes instance rows and inbox messages, then wakes the local engine.</summary>
internal sealed class DurableClient(HubStore store, DurableEngine engine, DurableTaskRegistry registry) : IDurableClient
{
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(5);

    /// <inheritdoc/>
    public async Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        if (!registry.Orchestrators.ContainsKey(orchestratorName))
        {
            throw new ArgumentException($"No orchestration named '{orchestratorName}' is registered.", nameof(orchestratorName));
        }

        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        InstanceIds.Validate(instanceId);
        await store.EnsureCreatedAsync();
        var now = DateTimeOffset.UtcNow;
        var record = new InstanceRecord
        {
            InstanceId = instanceId,
            Name = orchestratorName,
            Status = OrchestrationRuntimeStatus.Pending,
            Input = DurableJson.Serialize(input),
            CreatedAt = now,
            UpdatedAt = now,
            StartAt = options?.StartAt,
            TraceParent = TransfersTelemetry.ScheduleOrchestration(orchestratorName, instanceId),
        };
        if (await engine.TryStartAsync(record, cancellationToken))
        {
            return instanceId;
        }

        var (created, instance) = await store.CreateInstanceAsync(record, cancellationToken);
        if (!created)
        {
            throw new InstanceAlreadyExistsException(instanceId);
        }

        engine.Created(instance);
        return instanceId;
    }

    /// <inheritdoc/>
    public async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        if (!InstanceIds.TryValidate(instanceId, out _))
        {
            return null;
        }

        await store.EnsureCreatedAsync();
        return (await store.GetInstanceAsync(instanceId, getInputsAndOutputs, cancellationToken))?.ToMetadata(getInputsAndOutputs);
    }

    /// <inheritdoc/>
    public async Task<OrchestrationQueryPage> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await store.EnsureCreatedAsync();
        return await store.QueryInstancesAsync(query, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        InstanceIds.Validate(instanceId);
        await store.EnsureCreatedAsync();
        var payload = DurableJson.Serialize(eventPayload);
        if (await engine.TryRaiseEventAsync(instanceId, eventName, payload))
        {
            return;
        }

        var instance = await RequireAsync(instanceId, cancellationToken);
        if (instance.Status.IsTerminal())
        {
            // As in Durable Functions: an event for a finished instance is dropped.
            return;
        }

        await SendAsync(instanceId, new InboxMessage(Rows.Event(DateTime.UtcNow), InboxKind.Event, instance.Generation, -1, eventName, payload), cancellationToken);
    }

    /// <inheritdoc/>
    public Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellationToken = default) =>
        ControlAsync(instanceId, InboxKind.Terminate, DurableJson.Serialize(output), cancellationToken);

    /// <inheritdoc/>
    public Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        ControlAsync(instanceId, InboxKind.Suspend, DurableJson.Serialize(reason), cancellationToken);

    /// <inheritdoc/>
    public Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        ControlAsync(instanceId, InboxKind.Resume, DurableJson.Serialize(reason), cancellationToken);

    /// <inheritdoc/>
    public async Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        await store.EnsureCreatedAsync();
        return await store.PurgeInstanceAsync(instanceId, cancellationToken) ? 1 : 0;
    }

    /// <inheritdoc/>
    public async Task<int> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = filter.FinishedStatuses();
        if (statuses.Count == 0)
        {
            return 0;
        }

        await store.EnsureCreatedAsync();
        var query = new OrchestrationQuery { Statuses = statuses, CreatedFrom = filter.CreatedFrom, CreatedTo = filter.CreatedTo, PageSize = 100 };
        var purged = 0;
        while (true)
        {
            // A page at a time, so memory stays bounded; the continuation token names the next key, which the deletions
            // of this page do not move.
            var page = await store.QueryInstancesAsync(query, cancellationToken);
            foreach (var instance in page.Instances)
            {
                purged += await store.PurgeInstanceAsync(instance.InstanceId, cancellationToken) ? 1 : 0;
            }

            if (page.ContinuationToken is null)
            {
                return purged;
            }

            query = query with { ContinuationToken = page.ContinuationToken };
        }
    }

    /// <inheritdoc/>
    public async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        var delay = TimeSpan.FromMilliseconds(20);
        var trustSignal = true;
        while (true)
        {
            // Register before looking, so a completion between the look and the wait is not missed. An instance this
            // process is running and has not finished needs no first look: its completion comes as a signal.
            var completed = engine.WhenCompletedLocally(instanceId);
            if (!trustSignal || !engine.IsUnfinishedHere(instanceId))
            {
                var metadata = await store.GetInstanceAsync(instanceId, getInputsAndOutputs, cancellationToken) ?? throw new InstanceNotFoundException(instanceId);
                if (metadata.Status.IsTerminal())
                {
                    return metadata.ToMetadata(getInputsAndOutputs);
                }
            }

            // Polling is for instances run elsewhere, or a partition that moves away while we wait.
            await Task.WhenAny(completed, Task.Delay(engine.RunsLocally(instanceId) ? MaxPollInterval : delay, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            if (completed.IsCompletedSuccessfully)
            {
                // The commit that finished it is what a read would return.
                return (await completed).ToMetadata(getInputsAndOutputs);
            }

            // No signal yet: later passes look at storage too, because another process may have finished the
            // instance while this one's view of it went stale (its partition moved away and back).
            trustSignal = false;
            delay = TimeSpan.FromMilliseconds(Math.Min(MaxPollInterval.TotalMilliseconds, delay.TotalMilliseconds * 2));
        }
    }

    private async Task ControlAsync(string instanceId, InboxKind kind, string? data, CancellationToken cancellationToken)
    {
        var instance = await RequireAsync(instanceId, cancellationToken);
        if (!instance.Status.IsTerminal())
        {
            await SendAsync(instanceId, new InboxMessage(Rows.Control(), kind, instance.Generation, -1, null, data), cancellationToken);
        }
    }

    private async Task SendAsync(string instanceId, InboxMessage message, CancellationToken cancellationToken)
    {
        await store.AddInboxAsync(instanceId, message, cancellationToken);
        engine.Notify(instanceId);
    }

    private async Task<InstanceRecord> RequireAsync(string instanceId, CancellationToken cancellationToken)
    {
        InstanceIds.Validate(instanceId);
        await store.EnsureCreatedAsync();
        return await store.GetInstanceAsync(instanceId, withPayloads: false, cancellationToken) ?? throw new InstanceNotFoundException(instanceId);
    }
}
