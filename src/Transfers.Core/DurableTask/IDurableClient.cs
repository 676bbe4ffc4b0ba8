namespace Transfers.Core.DurableTask;

/// <summary>
/// The client side of the durable port. It mirrors <c>Microsoft.DurableTask.Client.DurableTaskClient</c>:
/// schedule, inspect, query, signal and clean up orchestration instances.
/// </summary>
public interface IDurableClient
{
    /// <summary>Schedules a new orchestration instance.</summary>
    /// <param name="orchestratorName">The registered orchestration name.</param>
    /// <param name="input">The orchestration input; serialized to JSON.</param>
    /// <param name="options">The instance id to use and an optional start time.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The instance id.</returns>
    /// <exception cref="ArgumentException">The name is unknown or the instance id is invalid.</exception>
    /// <exception cref="InstanceAlreadyExistsException">An instance with that id is Pending, Running or Suspended.</exception>
    Task<string> ScheduleNewOrchestrationInstanceAsync(
        string orchestratorName,
        object? input = null,
        StartOrchestrationOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Gets one instance's metadata.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="getInputsAndOutputs">Also read the serialized input, output and custom status.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The metadata, or <c>null</c> when no such instance exists.</returns>
    Task<OrchestrationMetadata?> GetInstanceAsync(
        string instanceId,
        bool getInputsAndOutputs = false,
        CancellationToken cancellationToken = default);

    /// <summary>Queries instances one page at a time.</summary>
    /// <param name="query">Filters, page size and continuation token.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>One page of instances and the token of the next page, if any.</returns>
    Task<OrchestrationQueryPage> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default);

    /// <summary>Raises an external event on an instance. Event names are case-insensitive.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="eventPayload">The payload; serialized to JSON.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes once the event is durably recorded.</returns>
    /// <exception cref="InstanceNotFoundException">No such instance exists.</exception>
    Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default);

    /// <summary>Terminates a running instance.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="output">The output recorded for the terminated instance.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes once the request is durably recorded.</returns>
    Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellationToken = default);

    /// <summary>Suspends a running instance: it keeps receiving events but does not run until resumed.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">Why, for the record.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes once the request is durably recorded.</returns>
    Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Resumes a suspended instance.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="reason">Why, for the record.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes once the request is durably recorded.</returns>
    Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes an instance's state and history.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many instances were purged (0 or 1).</returns>
    Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the state and history of every finished instance (Completed, Failed or Terminated) that a filter
    /// matches; instances that may still change are never purged, whatever statuses the filter names.
    /// </summary>
    /// <param name="filter">The created-time range and the statuses to purge.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many instances were purged.</returns>
    Task<int> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Waits until an instance reaches Completed, Failed or Terminated.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="getInputsAndOutputs">Also read the serialized input, output and custom status.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The final metadata.</returns>
    Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(
        string instanceId,
        bool getInputsAndOutputs = false,
        CancellationToken cancellationToken = default);
}
