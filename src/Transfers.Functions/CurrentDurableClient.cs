using Transfers.Core.DurableTask;
using Transfers.DurableTask;

namespace Transfers.Functions;

/// <summary>
/// The port's <see cref="IDurableClient"/> as registered in DI: each call goes to a <see cref="DurableClientAdapter"/>
/// over the <see cref="Microsoft.DurableTask.Client.DurableTaskClient"/> of the HTTP function that is running (<see cref="DurableClientScope"/>).
/// Services of any lifetime can therefore take an <see cref="IDurableClient"/>, singletons included, although Durable
/// Functions hands out its client only per invocation.
/// </summary>
/// <param name="registry">The registered orchestrations, passed to the adapter.</param>
public sealed class CurrentDurableClient(DurableTaskRegistry registry) : IDurableClient
{
    /// <inheritdoc/>
    public Task<string> ScheduleNewOrchestrationInstanceAsync(
        string orchestratorName,
        object? input = null,
        StartOrchestrationOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Adapter().ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, options, cancellationToken);

    /// <inheritdoc/>
    public Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default) =>
        Adapter().GetInstanceAsync(instanceId, getInputsAndOutputs, cancellationToken);

    /// <inheritdoc/>
    public Task<OrchestrationQueryPage> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default) =>
        Adapter().QueryInstancesAsync(query, cancellationToken);

    /// <inheritdoc/>
    public Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default) =>
        Adapter().RaiseEventAsync(instanceId, eventName, eventPayload, cancellationToken);

    /// <inheritdoc/>
    public Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellationToken = default) =>
        Adapter().TerminateInstanceAsync(instanceId, output, cancellationToken);

    /// <inheritdoc/>
    public Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        Adapter().SuspendInstanceAsync(instanceId, reason, cancellationToken);

    /// <inheritdoc/>
    public Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        Adapter().ResumeInstanceAsync(instanceId, reason, cancellationToken);

    /// <inheritdoc/>
    public Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        Adapter().PurgeInstanceAsync(instanceId, cancellationToken);

    /// <inheritdoc/>
    public Task<int> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default) =>
        Adapter().PurgeInstancesAsync(filter, cancellationToken);

    /// <inheritdoc/>
    public Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(
        string instanceId,
        bool getInputsAndOutputs = false,
        CancellationToken cancellationToken = default) =>
        Adapter().WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs, cancellationToken);

    private DurableClientAdapter Adapter() => new(
        DurableClientScope.Current ?? throw new InvalidOperationException(
            "The durable client is available in the Functions app only while an HTTP function that binds [DurableClient] runs an endpoint."),
        registry);
}
