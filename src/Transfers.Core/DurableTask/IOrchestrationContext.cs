using Microsoft.Extensions.Logging;

namespace Transfers.Core.DurableTask;

/// <summary>
/// The orchestration side of the durable port. It mirrors <c>Microsoft.DurableTask.TaskOrchestrationContext</c>
/// one to one, so that orchestrations written against it run unchanged on the embedded engine and, through a thin
/// adapter, on Durable Functions.
/// </summary>
/// <remarks>
/// Orchestration code must be deterministic: take time from <see cref="CurrentUtcDateTime"/>, identifiers from
/// <see cref="NewGuid"/>, do no I/O and never wait on anything but the tasks this context returns.
/// </remarks>
public interface IOrchestrationContext
{
    /// <summary>Gets the name the orchestration was registered and scheduled under.</summary>
    string Name { get; }

    /// <summary>Gets the instance id of the running orchestration.</summary>
    string InstanceId { get; }

    /// <summary>Gets the replay-safe current time: the time at which the current episode started.</summary>
    DateTime CurrentUtcDateTime { get; }

    /// <summary>Gets a value indicating whether the orchestration is replaying history rather than running new code.</summary>
    bool IsReplaying { get; }

    /// <summary>Reads the orchestration's input, deserialized as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <returns>The input, or <c>default</c> when none was given.</returns>
    T? GetInput<T>();

    /// <summary>Schedules an activity and returns a task that completes with its result.</summary>
    /// <typeparam name="T">The activity's result type.</typeparam>
    /// <param name="name">The registered activity name.</param>
    /// <param name="input">The activity input; serialized to JSON.</param>
    /// <param name="retry">Optional retry policy applied to failed attempts.</param>
    /// <returns>The activity result; a failed activity throws <see cref="TaskFailedException"/>.</returns>
    Task<T> CallActivityAsync<T>(string name, object? input = null, RetryPolicy? retry = null);

    /// <summary>Schedules an activity that returns nothing useful.</summary>
    /// <param name="name">The registered activity name.</param>
    /// <param name="input">The activity input; serialized to JSON.</param>
    /// <param name="retry">Optional retry policy applied to failed attempts.</param>
    /// <returns>A task that completes when the activity does; a failed activity throws <see cref="TaskFailedException"/>.</returns>
    Task CallActivityAsync(string name, object? input = null, RetryPolicy? retry = null);

    /// <summary>Starts a sub-orchestration and returns a task that completes with its output.</summary>
    /// <typeparam name="T">The sub-orchestration's output type.</typeparam>
    /// <param name="name">The registered orchestration name.</param>
    /// <param name="input">The sub-orchestration input.</param>
    /// <param name="instanceId">The child instance id; a deterministic one is derived when omitted.</param>
    /// <returns>The child's output; a failed child throws <see cref="TaskFailedException"/>.</returns>
    Task<T> CallSubOrchestratorAsync<T>(string name, object? input = null, string? instanceId = null);

    /// <summary>Creates a durable timer that fires at <paramref name="fireAtUtc"/> and survives restarts.</summary>
    /// <param name="fireAtUtc">When the timer fires, in UTC.</param>
    /// <param name="cancellationToken">Cancels the timer; a cancelled timer's task ends as cancelled.</param>
    /// <returns>A task that completes when the timer fires.</returns>
    Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken);

    /// <summary>
    /// Waits for an external event. Names are case-insensitive; an event raised before anyone waits is buffered;
    /// a waiter cancelled by its token never consumes a later event.
    /// </summary>
    /// <typeparam name="T">The event payload type.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The event payload.</returns>
    Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Sets the custom status that clients see beside the runtime status.</summary>
    /// <param name="status">Any JSON-serializable value, or <c>null</c> to clear it.</param>
    void SetCustomStatus(object? status);

    /// <summary>
    /// Restarts the orchestration with a fresh history once the current episode returns, keeping its instance id.
    /// </summary>
    /// <param name="newInput">The input of the next generation.</param>
    /// <param name="preserveUnprocessedEvents">Carry events that nobody consumed over to the next generation.</param>
    void ContinueAsNew(object? newInput, bool preserveUnprocessedEvents = true);

    /// <summary>Creates a new identifier that is the same on every replay.</summary>
    /// <returns>A deterministic name-based GUID.</returns>
    Guid NewGuid();

    /// <summary>Creates a logger that writes only when the orchestration is not replaying.</summary>
    /// <param name="categoryName">The log category.</param>
    /// <returns>A replay-safe logger.</returns>
    ILogger CreateReplaySafeLogger(string categoryName);
}
