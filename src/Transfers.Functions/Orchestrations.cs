using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Transfers.Functions;

/// <summary>
/// One orchestrator function (<see cref="FunctionAttribute"/> with an <see cref="OrchestrationTriggerAttribute"/> on its
/// <see cref="TaskOrchestrationContext"/>) per orchestration registered in Transfers.Core. Functions discovers functions
/// by their static <c>[Function]</c> names, so each registered name needs its own line here; all of them run through
/// <see cref="DurableTaskRunner.RunOrchestrationAsync"/>.
/// </summary>
/// <remarks>
/// To add an orchestration registered as <c>"ShareSync"</c> (tests/Transfers.Infra.Tests fails until it is here):
/// <code>
/// [Function("ShareSync")]
/// public Task&lt;string?&gt; ShareSync([OrchestrationTrigger] TaskOrchestrationContext context) =&gt; runner.RunOrchestrationAsync(context);
/// </code>
/// The function name must be the registered name exactly (a string literal or <c>nameof</c> of the orchestration type
/// when it is registered under its type name).
/// </remarks>
/// <param name="runner">Runs the Core orchestration behind each function.</param>
public sealed class Orchestrations(DurableTaskRunner runner)
{
    // Registered orchestrations, one function each, in name order.

    /// <summary>Gets the runner; keeps the primary constructor parameter used while no orchestration is registered yet.</summary>
    internal DurableTaskRunner Runner => runner;

    /// <summary>The Ownership orchestration <c>OwnershipTransferOrchestration</c>: one invitation from invite to its end.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <returns>The orchestration output.</returns>
    [Function("OwnershipTransferOrchestration")]
    public Task<string?> OwnershipTransferOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) => runner.RunOrchestrationAsync(context);
}
