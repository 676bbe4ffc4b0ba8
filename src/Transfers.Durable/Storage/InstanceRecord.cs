using Azure;
using Transfers.Core.DurableTask;

namespace Transfers.Durable.Storage;

/// <summary>The instance row of an orchestration: what clients read and what each step updates under its ETag.</summary>
internal sealed record InstanceRecord
{
    public required string InstanceId { get; init; }

    public required string Name { get; init; }

    public required OrchestrationRuntimeStatus Status { get; init; }

    public string? Input { get; init; }

    public string? Output { get; init; }

    public string? CustomStatus { get; init; }

    public TaskFailureDetails? Failure { get; init; }

    /// <summary>Gets the generation: bumped by ContinueAsNew and by re-creating a finished instance.</summary>
    public int Generation { get; init; }

    /// <summary>
    /// Gets the generation at which the instance was last scheduled. Events raised to an earlier run that ended before
    /// consuming them (terminated while suspended, say) are not delivered to this one, as Durable Functions drops
    /// messages for a finished instance; ContinueAsNew keeps it, so events follow the instance across generations.
    /// </summary>
    public int FirstGeneration { get; init; }

    /// <summary>Gets how many history rows the current generation has committed.</summary>
    public int HistoryCount { get; init; }

    /// <summary>Gets a value indicating whether the last step left work that needs another step with no message to wake it.</summary>
    public bool NeedsStep { get; init; }

    /// <summary>Gets the history ranges of earlier generations still to delete, as "gen:from:to;...".</summary>
    public string? StaleHistory { get; init; }

    /// <summary>
    /// Gets how many of its unconsumed events a ContinueAsNew too large for one transaction has carried to the next
    /// generation so far; <c>null</c> when none is under way.
    /// </summary>
    public int? Carried { get; init; }

    /// <summary>Gets the time the inbox keys of the events being carried sort at, so that they keep their order.</summary>
    public DateTimeOffset? CarryAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? StartAt { get; init; }

    public string? ParentId { get; init; }

    public int ParentGeneration { get; init; }

    public int ParentTaskId { get; init; }

    /// <summary>Gets the W3C trace context of the orchestration's span, which every activity span continues.</summary>
    public string? TraceParent { get; init; }

    public ETag ETag { get; init; }

    public OrchestrationMetadata ToMetadata(bool withPayloads) => new()
    {
        Name = Name,
        InstanceId = InstanceId,
        RuntimeStatus = Status,
        CreatedAt = CreatedAt,
        LastUpdatedAt = UpdatedAt,
        SerializedInput = withPayloads ? Input : null,
        SerializedOutput = withPayloads ? Output : null,
        SerializedCustomStatus = withPayloads ? CustomStatus : null,
        FailureDetails = Failure,
    };
}
