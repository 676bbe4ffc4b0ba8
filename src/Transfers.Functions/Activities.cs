using Microsoft.Azure.Functions.Worker;

namespace Transfers.Functions;

/// <summary>
/// One activity function (<see cref="FunctionAttribute"/> with an <see cref="ActivityTriggerAttribute"/> on its input and
/// the <see cref="FunctionContext"/>) per activity registered in Transfers.Core; all of them run through
/// <see cref="DurableTaskRunner.RunActivityAsync"/>.
/// </summary>
/// <remarks>
/// To add an activity registered as <c>"CopyFiles"</c> (tests/Transfers.Infra.Tests fails until it is here):
/// <code>
/// [Function("CopyFiles")]
/// public Task&lt;string?&gt; CopyFiles([ActivityTrigger] string? input, FunctionContext context) =&gt; runner.RunActivityAsync("CopyFiles", input, context);
/// </code>
/// The input is always a string: the orchestration side sends the <see cref="DurablePayload"/> text of the value.
/// </remarks>
/// <param name="runner">Runs the Core activity behind each function.</param>
public sealed class Activities(DurableTaskRunner runner)
{
    // Registered activities, one function each, in name order.

    /// <summary>Gets the runner; keeps the primary constructor parameter used while no activity is registered yet.</summary>
    internal DurableTaskRunner Runner => runner;

    /// <summary>The Ownership activity <c>CompleteOwnershipTransfer</c>.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The activity output.</returns>
    [Function("CompleteOwnershipTransfer")]
    public Task<string?> CompleteOwnershipTransfer([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("CompleteOwnershipTransfer", input, context);

    /// <summary>The Ownership activity <c>ExpireOwnershipInvite</c>.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The activity output.</returns>
    [Function("ExpireOwnershipInvite")]
    public Task<string?> ExpireOwnershipInvite([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("ExpireOwnershipInvite", input, context);

    /// <summary>The Ownership activity <c>MoveOwnershipChunk</c>.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The activity output.</returns>
    [Function("MoveOwnershipChunk")]
    public Task<string?> MoveOwnershipChunk([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("MoveOwnershipChunk", input, context);

    /// <summary>The Ownership activity <c>PlanOwnershipMoves</c>.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The activity output.</returns>
    [Function("PlanOwnershipMoves")]
    public Task<string?> PlanOwnershipMoves([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("PlanOwnershipMoves", input, context);

    /// <summary>The Ownership activity <c>ReleaseOwnershipLocks</c>.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The activity output.</returns>
    [Function("ReleaseOwnershipLocks")]
    public Task<string?> ReleaseOwnershipLocks([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("ReleaseOwnershipLocks", input, context);

    /// <summary>The Ownership activity <c>StartOwnershipTransfer</c>.</summary>
    /// <param name="input">The activity input.</param>
    /// <param name="context">The function context.</param>
    /// <returns>The activity output.</returns>
    [Function("StartOwnershipTransfer")]
    public Task<string?> StartOwnershipTransfer([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("StartOwnershipTransfer", input, context);
}
