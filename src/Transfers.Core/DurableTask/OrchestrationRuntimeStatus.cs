namespace Transfers.Core.DurableTask;

/// <summary>The runtime status of an orchestration instance, with Durable Functions' names.</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>The instance is running or waiting for work.</summary>
    Running = 0,

    /// <summary>The instance returned normally.</summary>
    Completed = 1,

    /// <summary>The instance restarted with a fresh history; transient.</summary>
    ContinuedAsNew = 2,

    /// <summary>The instance threw, or its history could not be replayed.</summary>
    Failed = 3,

    /// <summary>The instance was terminated by a client.</summary>
    Terminated = 5,

    /// <summary>The instance is scheduled but has not started yet.</summary>
    Pending = 6,

    /// <summary>The instance was suspended by a client.</summary>
    Suspended = 7,
}

/// <summary>Helpers on <see cref="OrchestrationRuntimeStatus"/>.</summary>
public static class OrchestrationRuntimeStatusExtensions
{
    /// <summary>Whether the instance has ended for good (Completed, Failed or Terminated).</summary>
    /// <param name="status">The status.</param>
    /// <returns><c>true</c> for a terminal status.</returns>
    public static bool IsTerminal(this OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
