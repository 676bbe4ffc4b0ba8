using Transfers.Core.DurableTask;

namespace Transfers.Durable.Replay;

/// <summary>Where an episode left the orchestration.</summary>
internal enum EpisodeOutcome
{
    /// <summary>The code waits for tasks; <see cref="EpisodeResult.Actions"/> may hold new work.</summary>
    Running,

    /// <summary>The code returned.</summary>
    Completed,

    /// <summary>The code threw, or replay diverged from history.</summary>
    Failed,

    /// <summary>The code returned after calling ContinueAsNew.</summary>
    ContinuedAsNew,
}

/// <summary>What one replay-and-run of an orchestration produced.</summary>
internal sealed record EpisodeResult
{
    /// <summary>Gets where the orchestration stands.</summary>
    public required EpisodeOutcome Outcome { get; init; }

    /// <summary>Gets the actions taken beyond history, in task order.</summary>
    public IReadOnlyList<OrchestrationAction> Actions { get; init; } = [];

    /// <summary>Gets the serialized output of a completed orchestration, or the next input after ContinueAsNew.</summary>
    public string? Output { get; init; }

    /// <summary>Gets the failure of a failed orchestration.</summary>
    public TaskFailureDetails? Failure { get; init; }

    /// <summary>Gets the serialized custom status.</summary>
    public string? CustomStatus { get; init; }

    /// <summary>Gets the events nobody consumed, in arrival order, to carry over a ContinueAsNew.</summary>
    public IReadOnlyList<(string Name, string? Payload)> UnconsumedEvents { get; init; } = [];
}
