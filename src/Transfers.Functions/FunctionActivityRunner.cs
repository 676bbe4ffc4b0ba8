using Microsoft.Azure.Functions.Worker;
using Transfers.DurableTask;

namespace Transfers.Functions;

/// <summary>How an activity function hands its trigger to the shared <see cref="DurableTaskRunner"/>.</summary>
public static class FunctionActivityRunner
{
    /// <summary>
    /// Runs the activity registered as <paramref name="name"/> with the calling orchestration's id from the trigger's
    /// binding data (<c>instanceId</c>) and the function's cancellation token.
    /// </summary>
    /// <param name="runner">The runner.</param>
    /// <param name="name">The activity name, equal to the function name.</param>
    /// <param name="input">The activity trigger's input.</param>
    /// <param name="functionContext">The function invocation.</param>
    /// <returns>The result as a <see cref="DurablePayload"/> string.</returns>
    public static Task<string?> RunActivityAsync(this DurableTaskRunner runner, string name, string? input, FunctionContext functionContext)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(functionContext);
        var instanceId = functionContext.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() : null;
        return runner.RunActivityAsync(name, input, instanceId ?? string.Empty, functionContext.CancellationToken);
    }
}
