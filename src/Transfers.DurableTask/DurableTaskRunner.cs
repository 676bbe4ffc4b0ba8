using Transfers.Core.DurableTask;

namespace Transfers.DurableTask;

/// <summary>
/// Runs the Core orchestration or activity registered under a name on Durable Task's worker. The Functions app's
/// statically named functions (one per orchestration and activity) and the local host's Durable Task backend (one
/// Durable Task registration per name) both hand their trigger to this runner, which resolves the port's
/// <see cref="ITaskOrchestrator"/> or <see cref="ITaskActivity"/> from the <see cref="DurableTaskRegistry"/> that the
/// embedded engine reads too.
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
            throw new InvalidOperationException($"No orchestration is registered as '{name}' in Transfers.Core.");
        }

        var input = DurablePayload.Read(context.GetInput<string>(), orchestrator.InputType);
        var output = await orchestrator.RunAsync(new OrchestrationContextAdapter(context), input);
        return DurablePayload.Write(output);
    }

    /// <summary>
    /// Runs the activity registered as <paramref name="name"/>: the input is the <see cref="DurablePayload"/> string
    /// deserialized to <see cref="ITaskActivity.InputType"/>, it runs with <see cref="ActivityContext.InstanceId"/> set
    /// to the calling orchestration's id, and the result goes back as a <see cref="DurablePayload"/> string.
    /// </summary>
    /// <param name="name">The activity name.</param>
    /// <param name="input">The activity's input as Durable Task delivered it.</param>
    /// <param name="instanceId">The calling orchestration's instance id.</param>
    /// <param name="cancellationToken">Cancels the activity (the function's or the host's shutdown token).</param>
    /// <returns>The result.</returns>
    public async Task<string?> RunActivityAsync(string name, string? input, string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!registry.TryCreateActivity(name, services, out var activity) || activity is null)
        {
            throw new InvalidOperationException($"No activity is registered as '{name}' in Transfers.Core.");
        }

        var result = await activity.RunAsync(
            new ActivityContext(name, instanceId),
            DurablePayload.Read(input, activity.InputType),
            cancellationToken);
        return DurablePayload.Write(result);
    }
}
