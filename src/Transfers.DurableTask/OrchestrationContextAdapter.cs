using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Port = Transfers.Core.DurableTask;

namespace Transfers.DurableTask;

/// <summary>
/// The port's <see cref="Port.IOrchestrationContext"/> over Durable Functions' <see cref="TaskOrchestrationContext"/>.
/// Every member forwards to the member of the same name; values cross as <see cref="DurablePayload"/> strings and
/// <see cref="Microsoft.DurableTask.TaskFailedException"/> becomes <see cref="Port.TaskFailedException"/>.
/// </summary>
/// <remarks>
/// The adapter adds no state and no I/O, so it keeps the determinism of the context it wraps: Durable Functions
/// replays the orchestration through it exactly as it would replay code written against
/// <see cref="TaskOrchestrationContext"/> directly.
/// </remarks>
/// <param name="inner">The Durable Functions context of the running orchestration.</param>
public sealed class OrchestrationContextAdapter(TaskOrchestrationContext inner) : Port.IOrchestrationContext
{
    /// <summary>Gets <see cref="TaskOrchestrationContext.Name"/>'s <see cref="TaskName.Name"/>.</summary>
    public string Name => inner.Name.Name;

    /// <summary>Gets <see cref="TaskOrchestrationContext.InstanceId"/>.</summary>
    public string InstanceId => inner.InstanceId;

    /// <summary>Gets <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/> (replay-safe).</summary>
    public DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;

    /// <summary>Gets <see cref="TaskOrchestrationContext.IsReplaying"/>.</summary>
    public bool IsReplaying => inner.IsReplaying;

    /// <summary>
    /// <see cref="TaskOrchestrationContext.GetInput{T}"/> read as the <see cref="DurablePayload"/> string, then
    /// deserialized with <see cref="Port.DurableJson"/>.
    /// </summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <returns>The input, or <c>default</c>.</returns>
    public T? GetInput<T>() => DurablePayload.Read<T>(inner.GetInput<string>());

    /// <summary>
    /// <see cref="TaskOrchestrationContext.CallActivityAsync{TResult}(TaskName, object?, TaskOptions?)"/> with the input
    /// written as a <see cref="DurablePayload"/> string and the retry policy mapped by <see cref="ToTaskOptions"/>.
    /// </summary>
    /// <typeparam name="T">The activity's result type.</typeparam>
    /// <param name="name">The activity name (the name of its <c>[Function]</c>).</param>
    /// <param name="input">The input.</param>
    /// <param name="retry">The retry policy.</param>
    /// <returns>The result.</returns>
    public async Task<T> CallActivityAsync<T>(string name, object? input = null, Port.RetryPolicy? retry = null)
    {
        try
        {
            var output = await inner.CallActivityAsync<string?>(name, DurablePayload.Write(input), ToTaskOptions(retry));
            return DurablePayload.Read<T>(output)!;
        }
        catch (Microsoft.DurableTask.TaskFailedException exception)
        {
            throw DurableFailures.ToPort(exception);
        }
    }

    /// <summary>As <see cref="CallActivityAsync{T}"/>, discarding the result.</summary>
    /// <param name="name">The activity name.</param>
    /// <param name="input">The input.</param>
    /// <param name="retry">The retry policy.</param>
    /// <returns>A task that completes with the activity.</returns>
    public async Task CallActivityAsync(string name, object? input = null, Port.RetryPolicy? retry = null)
    {
        try
        {
            await inner.CallActivityAsync(name, DurablePayload.Write(input), ToTaskOptions(retry));
        }
        catch (Microsoft.DurableTask.TaskFailedException exception)
        {
            throw DurableFailures.ToPort(exception);
        }
    }

    /// <summary>
    /// <see cref="TaskOrchestrationContext.CallSubOrchestratorAsync{TResult}(TaskName, object?, TaskOptions?)"/>; a
    /// given instance id travels in <see cref="SubOrchestrationOptions.InstanceId"/>, otherwise Durable Functions
    /// derives a deterministic one.
    /// </summary>
    /// <typeparam name="T">The child's output type.</typeparam>
    /// <param name="name">The orchestration name.</param>
    /// <param name="input">The input.</param>
    /// <param name="instanceId">The child instance id.</param>
    /// <returns>The child's output.</returns>
    public async Task<T> CallSubOrchestratorAsync<T>(string name, object? input = null, string? instanceId = null)
    {
        var options = instanceId is null ? null : new SubOrchestrationOptions(instanceId: instanceId);
        try
        {
            var output = await inner.CallSubOrchestratorAsync<string?>(name, DurablePayload.Write(input), options);
            return DurablePayload.Read<T>(output)!;
        }
        catch (Microsoft.DurableTask.TaskFailedException exception)
        {
            throw DurableFailures.ToPort(exception);
        }
    }

    /// <summary><see cref="TaskOrchestrationContext.CreateTimer(DateTime, CancellationToken)"/>, unchanged.</summary>
    /// <param name="fireAtUtc">When the timer fires.</param>
    /// <param name="cancellationToken">Cancels the timer.</param>
    /// <returns>A task that completes when the timer fires.</returns>
    public Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken) =>
        inner.CreateTimer(fireAtUtc, cancellationToken);

    /// <summary>
    /// <see cref="TaskOrchestrationContext.WaitForExternalEvent{T}(string, CancellationToken)"/>, received as a
    /// <see cref="JsonElement"/> and read by <see cref="DurablePayload.ReadEvent{T}"/>, so that an event raised through
    /// the port (a <see cref="DurablePayload"/> string) and one raised by another tool (plain JSON) both arrive.
    /// Durable Functions already treats names case-insensitively, buffers early events and never lets a cancelled
    /// waiter consume a later event.
    /// </summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The payload.</returns>
    public async Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        var payload = await inner.WaitForExternalEvent<JsonElement>(eventName, cancellationToken);
        return DurablePayload.ReadEvent<T>(payload)!;
    }

    /// <summary><see cref="TaskOrchestrationContext.SetCustomStatus(object?)"/> with a <see cref="DurablePayload"/> string.</summary>
    /// <param name="status">The custom status.</param>
    public void SetCustomStatus(object? status) => inner.SetCustomStatus(DurablePayload.Write(status));

    /// <summary>
    /// <see cref="TaskOrchestrationContext.ContinueAsNew(object?, bool)"/> with the new input as a
    /// <see cref="DurablePayload"/> string.
    /// </summary>
    /// <param name="newInput">The next generation's input.</param>
    /// <param name="preserveUnprocessedEvents">Carry unconsumed events over.</param>
    public void ContinueAsNew(object? newInput, bool preserveUnprocessedEvents = true) =>
        inner.ContinueAsNew(DurablePayload.Write(newInput), preserveUnprocessedEvents);

    /// <summary><see cref="TaskOrchestrationContext.NewGuid"/>: a deterministic, name-based GUID.</summary>
    /// <returns>The GUID.</returns>
    public Guid NewGuid() => inner.NewGuid();

    /// <summary><see cref="TaskOrchestrationContext.CreateReplaySafeLogger(string)"/>, unchanged.</summary>
    /// <param name="categoryName">The category.</param>
    /// <returns>A logger that is silent while replaying.</returns>
    public ILogger CreateReplaySafeLogger(string categoryName) => inner.CreateReplaySafeLogger(categoryName);

    /// <summary>
    /// Maps the port's <see cref="Port.RetryPolicy"/>. Without a <see cref="Port.RetryPolicy.Handle"/> predicate it is
    /// <see cref="TaskOptions.FromRetryPolicy"/> of a <see cref="Microsoft.DurableTask.RetryPolicy"/> with the same
    /// attempts, first interval, back-off coefficient and maximum interval. With one, it is
    /// <see cref="TaskOptions.FromRetryHandler(AsyncRetryHandler)"/>: the handler asks the port's policy whether to
    /// retry (<see cref="Port.RetryPolicy.ShouldRetry"/> on the mapped failure) and waits the port's delay
    /// (<see cref="Port.RetryPolicy.GetDelay"/>) on a durable timer, so both paths give the same schedule.
    /// </summary>
    /// <param name="retry">The port's policy, or <c>null</c>.</param>
    /// <returns>The Durable Task options, or <c>null</c>.</returns>
    public static TaskOptions? ToTaskOptions(Port.RetryPolicy? retry)
    {
        if (retry is null)
        {
            return null;
        }

        if (retry.Handle is null)
        {
            return TaskOptions.FromRetryPolicy(new Microsoft.DurableTask.RetryPolicy(
                retry.MaxNumberOfAttempts,
                retry.FirstRetryInterval,
                retry.BackoffCoefficient,
                retry.MaxRetryInterval < retry.FirstRetryInterval ? retry.FirstRetryInterval : retry.MaxRetryInterval));
        }

        return TaskOptions.FromRetryHandler(async context =>
        {
            if (!retry.ShouldRetry(context.LastAttemptNumber, DurableFailures.ToPort(context.LastFailure)))
            {
                return false;
            }

            var fireAt = context.OrchestrationContext.CurrentUtcDateTime + retry.GetDelay(context.LastAttemptNumber);
            await context.OrchestrationContext.CreateTimer(fireAt, context.CancellationToken);
            return true;
        });
    }
}
