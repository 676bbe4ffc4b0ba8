using Microsoft.Azure.Functions.Worker;
using Transfers.Core.DurableTask;

namespace Transfers.Functions;

/// <summary>
/// Runs the Core orchestration or activity registered under a function's name. Functions needs one statically named
/// function per orchestration and activity (see <see cref="Orchestrations"/> and <see cref="Activities"/>); each of
/// those is one line that hands its trigger to this runner, which resolves the port's <see cref="ITaskOrchestrator"/> or
/// <see cref="ITaskActivity"/> from the <see cref="DurableTaskRegistry"/> that the local host's engine reads too.
/// </summary>
/// <param name="registry">The orchestrations and activities registered by Transfers.Core.</param>
/// <param name="services">The invocation's services, which supply the orchestration's or activity's dependencies.</param>
public sealed class DurableTaskRunner(DurableTaskRegistry registry, IServiceProvider services)
{
    /// <summary>
    /// Runs the orchestration named <see cref="Microsoft.DurableTask.TaskOrchestrationContext.Name"/>: its input is the
    /// <see cref="DurablePayload"/> string deserialized to <see cref="ITaskOrchestrator.InputType"/>, it runs against an
    /// <see cref="OrchestrationContextAdapter"/>, and its output goes back as a <see cref="DurablePayload"/> string.
    /// </summary>
    /// <param name="context">The orchestration trigger's context.</param>
    /// <returns>The output.</returns>
    public async Task<string?> RunOrchestrationAsync(Microsoft.DurableTask.TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.Name.Name;
        if (!registry.TryCreateOrchestrator(name, services, out var orchestrator) || orchestrator is null)
        {
            throw new InvalidOperationException($"The function '{name}' has no orchestration registered under that name in Transfers.Core.");
        }

        var input = DurablePayload.Read(context.GetInput<string>(), orchestrator.InputType);
        var output = await orchestrator.RunAsync(new OrchestrationContextAdapter(context), input);
        return DurablePayload.Write(output);
    }

    /// <summary>
    /// Runs the activity registered as <paramref name="name"/>: the input is the <see cref="DurablePayload"/> string
    /// deserialized to <see cref="ITaskActivity.InputType"/>; <see cref="ActivityContext.InstanceId"/> is the calling
    /// orchestration's id from the trigger's binding data (<c>instanceId</c>); the function's cancellation token is
    /// passed on; the result goes back as a <see cref="DurablePayload"/> string.
    /// </summary>
    /// <param name="name">The activity name, equal to the function name.</param>
    /// <param name="input">The activity trigger's input.</param>
    /// <param name="functionContext">The function invocation.</param>
    /// <returns>The result.</returns>
    public async Task<string?> RunActivityAsync(string name, string? input, FunctionContext functionContext)
    {
        ArgumentNullException.ThrowIfNull(functionContext);
        if (!registry.TryCreateActivity(name, services, out var activity) || activity is null)
        {
            throw new InvalidOperationException($"The function '{name}' has no activity registered under that name in Transfers.Core.");
        }

        var instanceId = functionContext.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() : null;
        var result = await activity.RunAsync(
            new ActivityContext(name, instanceId ?? string.Empty),
            DurablePayload.Read(input, activity.InputType),
            functionContext.CancellationToken);
        return DurablePayload.Write(result);
    }
}
