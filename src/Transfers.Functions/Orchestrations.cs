using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Transfers.DurableTask;

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
    // Registered orchestrations, one function each, grouped by family.

    // Shares
    [Function("FileSyncOrchestration")]
    public Task<string?> FileSyncOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) => runner.RunOrchestrationAsync(context);

    [Function("TableSyncOrchestration")]
    public Task<string?> TableSyncOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) => runner.RunOrchestrationAsync(context);

    // Exports
    [Function("ExportTransferOrchestration")]
    public Task<string?> ExportTransferOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) => runner.RunOrchestrationAsync(context);

    // Ownership
    [Function("OwnershipTransferOrchestration")]
    public Task<string?> OwnershipTransferOrchestration([OrchestrationTrigger] TaskOrchestrationContext context) => runner.RunOrchestrationAsync(context);
}
