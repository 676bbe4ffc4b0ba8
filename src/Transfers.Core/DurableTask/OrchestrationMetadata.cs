namespace Transfers.Core.DurableTask;

/// <summary>The state of one orchestration instance as a client sees it.</summary>
public sealed record OrchestrationMetadata
{
    /// <summary>Gets the orchestration name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the instance id.</summary>
    public required string InstanceId { get; init; }

    /// <summary>Gets the runtime status.</summary>
    public required OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    /// <summary>Gets when the instance was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the instance last changed.</summary>
    public required DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>Gets the input as JSON, when inputs and outputs were requested.</summary>
    public string? SerializedInput { get; init; }

    /// <summary>Gets the output as JSON, when inputs and outputs were requested.</summary>
    public string? SerializedOutput { get; init; }

    /// <summary>Gets the custom status as JSON, when inputs and outputs were requested.</summary>
    public string? SerializedCustomStatus { get; init; }

    /// <summary>Gets the failure of a Failed instance.</summary>
    public TaskFailureDetails? FailureDetails { get; init; }

    /// <summary>Gets a value indicating whether the instance is Running, Pending or Suspended.</summary>
    public bool IsRunning => RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended or OrchestrationRuntimeStatus.ContinuedAsNew;

    /// <summary>Gets a value indicating whether the instance has ended for good.</summary>
    public bool IsCompleted => RuntimeStatus.IsTerminal();

    /// <summary>Deserializes the input.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <returns>The input, or <c>default</c>.</returns>
    public T? ReadInputAs<T>() => DurableJson.Deserialize<T>(SerializedInput);

    /// <summary>Deserializes the output.</summary>
    /// <typeparam name="T">The output type.</typeparam>
    /// <returns>The output, or <c>default</c>.</returns>
    public T? ReadOutputAs<T>() => DurableJson.Deserialize<T>(SerializedOutput);

    /// <summary>Deserializes the custom status.</summary>
    /// <typeparam name="T">The custom status type.</typeparam>
    /// <returns>The custom status, or <c>default</c>.</returns>
    public T? ReadCustomStatusAs<T>() => DurableJson.Deserialize<T>(SerializedCustomStatus);
}

/// <summary>Options for scheduling a new instance.</summary>
/// <param name="InstanceId">The instance id; a new GUID when omitted.</param>
/// <param name="StartAt">When to start; at once when omitted.</param>
public sealed record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null);

/// <summary>A filter over instances, one page at a time.</summary>
public sealed record OrchestrationQuery
{
    /// <summary>Gets the statuses to include; all when null or empty.</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    /// <summary>Gets the orchestration name to match exactly; any when null.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the inclusive lower bound of the creation time.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Gets the inclusive upper bound of the creation time.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Gets the instance id prefix to match.</summary>
    public string? InstanceIdPrefix { get; init; }

    /// <summary>Gets the maximum number of instances in one page.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Gets the continuation token of a previous page.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Gets a value indicating whether to read inputs, outputs and custom status.</summary>
    public bool FetchInputsAndOutputs { get; init; }
}

/// <summary>Which instances a purge by filter deletes; mirrors Durable Task's <c>PurgeInstancesFilter</c>.</summary>
/// <param name="CreatedFrom">The inclusive lower bound of the creation time; any when null.</param>
/// <param name="CreatedTo">The inclusive upper bound of the creation time; any when null.</param>
/// <param name="Statuses">The statuses to purge; every finished status when null or empty.</param>
public sealed record PurgeInstancesFilter(
    DateTimeOffset? CreatedFrom = null, DateTimeOffset? CreatedTo = null, IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses = null)
{
    /// <summary>The statuses the purge deletes: those named that are finished, or every finished one when none is named.</summary>
    /// <returns>Completed, Failed and Terminated, or those of them the filter names.</returns>
    public IReadOnlyList<OrchestrationRuntimeStatus> FinishedStatuses() => Statuses is { Count: > 0 } named
        ? [.. named.Where(s => s.IsTerminal()).Distinct()]
        : [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
}

/// <summary>One page of a query.</summary>
/// <param name="Instances">The instances of this page.</param>
/// <param name="ContinuationToken">The token of the next page, or <c>null</c> on the last one.</param>
public sealed record OrchestrationQueryPage(IReadOnlyList<OrchestrationMetadata> Instances, string? ContinuationToken);
