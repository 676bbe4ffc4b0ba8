using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Port = Transfers.Core.DurableTask;

namespace Transfers.DurableTask;

/// <summary>
/// The port's <see cref="Port.IDurableClient"/> over Durable Functions' <see cref="DurableTaskClient"/> (the client that
/// a <c>[DurableClient]</c> binding supplies). Each member forwards to the <see cref="DurableTaskClient"/> member of the
/// same name; inputs and event payloads cross as <see cref="DurablePayload"/> strings and metadata is mapped back by
/// <see cref="ToPort(OrchestrationMetadata)"/>.
/// </summary>
/// <remarks>
/// Where the port promises more than Durable Task does, the adapter adds the check: instance ids are validated with
/// <see cref="Port.InstanceIds"/>, unknown orchestration names are rejected, scheduling over a Pending, Running or
/// Suspended instance throws <see cref="Port.InstanceAlreadyExistsException"/>, and raising an event on a missing
/// instance throws <see cref="Port.InstanceNotFoundException"/> (Durable Task would drop it silently).
/// </remarks>
/// <param name="inner">The Durable Functions client.</param>
/// <param name="registry">The registered orchestrations, to reject unknown names as the embedded engine does.</param>
public sealed class DurableClientAdapter(DurableTaskClient inner, Port.DurableTaskRegistry registry) : Port.IDurableClient
{
    /// <summary>
    /// <see cref="DurableTaskClient.ScheduleNewOrchestrationInstanceAsync(TaskName, object?, StartOrchestrationOptions?, CancellationToken)"/>
    /// with <see cref="StartOrchestrationOptions"/>(InstanceId, StartAt) and the input as a <see cref="DurablePayload"/> string.
    /// </summary>
    /// <param name="orchestratorName">The orchestration name.</param>
    /// <param name="input">The input.</param>
    /// <param name="options">Instance id and start time.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The instance id.</returns>
    public async Task<string> ScheduleNewOrchestrationInstanceAsync(
        string orchestratorName,
        object? input = null,
        Port.StartOrchestrationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        if (!registry.Orchestrators.ContainsKey(orchestratorName))
        {
            throw new ArgumentException($"No orchestration is registered as '{orchestratorName}'.", nameof(orchestratorName));
        }

        var instanceId = options?.InstanceId;
        if (instanceId is not null)
        {
            Port.InstanceIds.Validate(instanceId);
            var existing = await inner.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
            if (existing is not null && IsActive(existing.RuntimeStatus))
            {
                throw new Port.InstanceAlreadyExistsException(instanceId);
            }
        }

        return await inner.ScheduleNewOrchestrationInstanceAsync(
            orchestratorName,
            DurablePayload.Write(input),
            new StartOrchestrationOptions(instanceId, options?.StartAt),
            cancellationToken);
    }

    /// <summary><see cref="DurableTaskClient.GetInstanceAsync(string, bool, CancellationToken)"/>, metadata mapped.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="getInputsAndOutputs">Also read input, output and custom status.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The metadata, or <c>null</c>.</returns>
    public async Task<Port.OrchestrationMetadata?> GetInstanceAsync(
        string instanceId,
        bool getInputsAndOutputs = false,
        CancellationToken cancellationToken = default)
    {
        var metadata = await inner.GetInstanceAsync(instanceId, getInputsAndOutputs, cancellationToken);
        return metadata is null ? null : ToPort(metadata);
    }

    /// <summary>
    /// <see cref="DurableTaskClient.GetAllInstancesAsync(OrchestrationQuery?)"/> with an <see cref="OrchestrationQuery"/>
    /// (created-time range, statuses, instance id prefix, page size, inputs and outputs), read one page with
    /// <c>AsPages(continuationToken, pageSize)</c>. Durable Task cannot filter by name, so <see cref="Port.OrchestrationQuery.Name"/>
    /// filters the page here: a page may then hold fewer instances than the page size while a continuation token
    /// still follows.
    /// </summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>One page.</returns>
    public async Task<Port.OrchestrationQueryPage> QueryInstancesAsync(
        Port.OrchestrationQuery query,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new OrchestrationQuery
        {
            CreatedFrom = query.CreatedFrom,
            CreatedTo = query.CreatedTo,
            Statuses = query.Statuses is { Count: > 0 } statuses ? statuses.Select(ToDurable).ToList() : null,
            InstanceIdPrefix = query.InstanceIdPrefix,
            PageSize = query.PageSize,
            FetchInputsAndOutputs = query.FetchInputsAndOutputs,
        };

        var pages = inner.GetAllInstancesAsync(filter).AsPages(query.ContinuationToken, query.PageSize);
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            var instances = page.Values
                .Where(i => query.Name is null || string.Equals(i.Name, query.Name, StringComparison.Ordinal))
                .Select(ToPort)
                .ToList();
            return new Port.OrchestrationQueryPage(instances, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }

        return new Port.OrchestrationQueryPage([], null);
    }

    /// <summary>
    /// <see cref="DurableTaskClient.RaiseEventAsync(string, string, object?, CancellationToken)"/> with the payload as a
    /// <see cref="DurablePayload"/> string, after checking that the instance exists.
    /// </summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="eventPayload">The payload.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the event is enqueued.</returns>
    public async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default)
    {
        _ = await inner.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken)
            ?? throw new Port.InstanceNotFoundException(instanceId);
        await inner.RaiseEventAsync(instanceId, eventName, DurablePayload.Write(eventPayload), cancellationToken);
    }

    /// <summary><see cref="DurableTaskClient.TerminateInstanceAsync(string, object?, CancellationToken)"/>, output as a <see cref="DurablePayload"/> string.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="output">The recorded output.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the request is enqueued.</returns>
    public Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellationToken = default)
    {
        object? payload = DurablePayload.Write(output);
        return inner.TerminateInstanceAsync(instanceId, payload, cancellationToken);
    }

    /// <summary><see cref="DurableTaskClient.SuspendInstanceAsync(string, string?, CancellationToken)"/>, unchanged.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the request is enqueued.</returns>
    public Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        inner.SuspendInstanceAsync(instanceId, reason, cancellationToken);

    /// <summary><see cref="DurableTaskClient.ResumeInstanceAsync(string, string?, CancellationToken)"/>, unchanged.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the request is enqueued.</returns>
    public Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        inner.ResumeInstanceAsync(instanceId, reason, cancellationToken);

    /// <summary><see cref="DurableTaskClient.PurgeInstanceAsync(string, CancellationToken)"/>; returns <c>PurgeResult.PurgedInstanceCount</c>.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>0 or 1.</returns>
    public async Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var result = await inner.PurgeInstanceAsync(instanceId, cancellationToken);
        return result.PurgedInstanceCount;
    }

    /// <summary>
    /// <see cref="DurableTaskClient.PurgeAllInstancesAsync(PurgeInstancesFilter, CancellationToken)"/> with a
    /// <see cref="PurgeInstancesFilter"/>(CreatedFrom, CreatedTo, Statuses) of the finished statuses the filter names;
    /// returns <c>PurgeResult.PurgedInstanceCount</c>.
    /// </summary>
    /// <param name="filter">The filter.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many instances were purged.</returns>
    public async Task<int> PurgeInstancesAsync(Port.PurgeInstancesFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = filter.FinishedStatuses();
        if (statuses.Count == 0)
        {
            return 0;
        }

        var result = await inner.PurgeAllInstancesAsync(
            new PurgeInstancesFilter(filter.CreatedFrom, filter.CreatedTo, statuses.Select(ToDurable).ToList()), cancellationToken);
        return result.PurgedInstanceCount;
    }

    /// <summary><see cref="DurableTaskClient.WaitForInstanceCompletionAsync(string, bool, CancellationToken)"/>, metadata mapped.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="getInputsAndOutputs">Also read input, output and custom status.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The final metadata.</returns>
    public async Task<Port.OrchestrationMetadata> WaitForInstanceCompletionAsync(
        string instanceId,
        bool getInputsAndOutputs = false,
        CancellationToken cancellationToken = default)
    {
        var metadata = await inner.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs, cancellationToken);
        return ToPort(metadata);
    }

    /// <summary>
    /// Durable Task's <see cref="OrchestrationMetadata"/> as the port's: the same fields, the runtime status mapped by
    /// <see cref="ToPort(OrchestrationRuntimeStatus)"/>, serialized values unwrapped by <see cref="DurablePayload.Normalize"/>,
    /// failure details by <see cref="DurableFailures.ToPort(Microsoft.DurableTask.TaskFailureDetails)"/>, or, where the
    /// provider keeps a failed instance's failure only as its output (Azure Storage), by <see cref="DurableFailures.FromOutput"/>.
    /// </summary>
    /// <param name="metadata">Durable Task's metadata.</param>
    /// <returns>The port's metadata.</returns>
    public static Port.OrchestrationMetadata ToPort(OrchestrationMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new Port.OrchestrationMetadata
        {
            Name = metadata.Name,
            InstanceId = metadata.InstanceId,
            RuntimeStatus = ToPort(metadata.RuntimeStatus),
            CreatedAt = metadata.CreatedAt,
            LastUpdatedAt = metadata.LastUpdatedAt,
            SerializedInput = DurablePayload.Normalize(metadata.SerializedInput),
            SerializedOutput = DurablePayload.Normalize(metadata.SerializedOutput),
            SerializedCustomStatus = DurablePayload.Normalize(metadata.SerializedCustomStatus),
            FailureDetails = metadata.FailureDetails is { } failure ? DurableFailures.ToPort(failure)
                : metadata.RuntimeStatus == OrchestrationRuntimeStatus.Failed && metadata.SerializedOutput is { Length: > 0 } output ? DurableFailures.FromOutput(output)
                : null,
        };
    }

    /// <summary>
    /// Durable Task's runtime status as the port's, by name: Running, Completed, ContinuedAsNew, Failed, Terminated,
    /// Pending and Suspended map one to one; the unused Canceled maps to Terminated.
    /// </summary>
    /// <param name="status">Durable Task's status.</param>
    /// <returns>The port's status.</returns>
    public static Port.OrchestrationRuntimeStatus ToPort(OrchestrationRuntimeStatus status)
    {
#pragma warning disable CS0612, CS0618 // ContinuedAsNew and Canceled are obsolete in Durable Task but still values of the enum.
        return status switch
        {
            OrchestrationRuntimeStatus.Running => Port.OrchestrationRuntimeStatus.Running,
            OrchestrationRuntimeStatus.Completed => Port.OrchestrationRuntimeStatus.Completed,
            OrchestrationRuntimeStatus.ContinuedAsNew => Port.OrchestrationRuntimeStatus.ContinuedAsNew,
            OrchestrationRuntimeStatus.Failed => Port.OrchestrationRuntimeStatus.Failed,
            OrchestrationRuntimeStatus.Canceled => Port.OrchestrationRuntimeStatus.Terminated,
            OrchestrationRuntimeStatus.Terminated => Port.OrchestrationRuntimeStatus.Terminated,
            OrchestrationRuntimeStatus.Pending => Port.OrchestrationRuntimeStatus.Pending,
            OrchestrationRuntimeStatus.Suspended => Port.OrchestrationRuntimeStatus.Suspended,
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown runtime status."),
        };
#pragma warning restore CS0612, CS0618
    }

    /// <summary>The port's runtime status as Durable Task's, by name (the inverse of <see cref="ToPort(OrchestrationRuntimeStatus)"/>).</summary>
    /// <param name="status">The port's status.</param>
    /// <returns>Durable Task's status.</returns>
    public static OrchestrationRuntimeStatus ToDurable(Port.OrchestrationRuntimeStatus status)
    {
#pragma warning disable CS0612, CS0618 // ContinuedAsNew is obsolete in Durable Task but still a value of the enum.
        return status switch
        {
            Port.OrchestrationRuntimeStatus.Running => OrchestrationRuntimeStatus.Running,
            Port.OrchestrationRuntimeStatus.Completed => OrchestrationRuntimeStatus.Completed,
            Port.OrchestrationRuntimeStatus.ContinuedAsNew => OrchestrationRuntimeStatus.ContinuedAsNew,
            Port.OrchestrationRuntimeStatus.Failed => OrchestrationRuntimeStatus.Failed,
            Port.OrchestrationRuntimeStatus.Terminated => OrchestrationRuntimeStatus.Terminated,
            Port.OrchestrationRuntimeStatus.Pending => OrchestrationRuntimeStatus.Pending,
            Port.OrchestrationRuntimeStatus.Suspended => OrchestrationRuntimeStatus.Suspended,
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown runtime status."),
        };
#pragma warning restore CS0612, CS0618
    }

    private static bool IsActive(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended;
}
