namespace Transfers.Core.DurableTask;

/// <summary>An orchestration as the engine and the Functions adapter see it: untyped input and output.</summary>
public interface ITaskOrchestrator
{
    /// <summary>Gets the input type, used to deserialize the stored input.</summary>
    Type InputType { get; }

    /// <summary>Runs the orchestration.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="input">The deserialized input.</param>
    /// <returns>The output, serialized by the caller.</returns>
    Task<object?> RunAsync(IOrchestrationContext context, object? input);
}

/// <summary>Base class of orchestrations, as Durable Task's <c>TaskOrchestrator&lt;TInput, TOutput&gt;</c>.</summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
public abstract class Orchestrator<TInput, TOutput> : ITaskOrchestrator
{
    /// <inheritdoc/>
    public Type InputType => typeof(TInput);

    /// <summary>Runs the orchestration. Must be deterministic; see <see cref="IOrchestrationContext"/>.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="input">The input.</param>
    /// <returns>The output.</returns>
    public abstract Task<TOutput> RunAsync(IOrchestrationContext context, TInput input);

    /// <inheritdoc/>
    async Task<object?> ITaskOrchestrator.RunAsync(IOrchestrationContext context, object? input) =>
        await RunAsync(context, input is null ? default! : (TInput)input);
}

/// <summary>What an activity knows about the call it serves.</summary>
/// <param name="Name">The activity name.</param>
/// <param name="InstanceId">The instance id of the orchestration that called it.</param>
public sealed record ActivityContext(string Name, string InstanceId);

/// <summary>An activity as the engine and the Functions adapter see it: untyped input and output.</summary>
public interface ITaskActivity
{
    /// <summary>Gets the input type, used to deserialize the stored input.</summary>
    Type InputType { get; }

    /// <summary>Runs the activity.</summary>
    /// <param name="context">The activity context.</param>
    /// <param name="input">The deserialized input.</param>
    /// <param name="cancellationToken">Signals host shutdown.</param>
    /// <returns>The output, serialized by the caller.</returns>
    Task<object?> RunAsync(ActivityContext context, object? input, CancellationToken cancellationToken = default);
}

/// <summary>
/// Base class of activities, as Durable Task's <c>TaskActivity&lt;TInput, TOutput&gt;</c>. Activities do the I/O and
/// run at least once, so they must be idempotent.
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
public abstract class Activity<TInput, TOutput> : ITaskActivity
{
    /// <inheritdoc/>
    public Type InputType => typeof(TInput);

    /// <summary>Runs the activity.</summary>
    /// <param name="context">The activity context.</param>
    /// <param name="input">The input.</param>
    /// <param name="cancellationToken">Signals host shutdown.</param>
    /// <returns>The output.</returns>
    public abstract Task<TOutput> RunAsync(ActivityContext context, TInput input, CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    async Task<object?> ITaskActivity.RunAsync(ActivityContext context, object? input, CancellationToken cancellationToken) =>
        await RunAsync(context, input is null ? default! : (TInput)input, cancellationToken);
}
