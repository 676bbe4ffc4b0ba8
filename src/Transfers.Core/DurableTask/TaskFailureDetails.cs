namespace Transfers.Core.DurableTask;

/// <summary>What went wrong in an activity or orchestration, in a form that survives serialization.</summary>
/// <param name="ErrorType">The full name of the exception type.</param>
/// <param name="ErrorMessage">The exception message.</param>
/// <param name="StackTrace">The stack trace, if any.</param>
/// <param name="InnerFailure">The inner failure, if any.</param>
public sealed record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace = null, TaskFailureDetails? InnerFailure = null)
{
    /// <summary>Captures an exception, inner exceptions included.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The failure details.</returns>
    public static TaskFailureDetails FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new TaskFailureDetails(
            exception.GetType().FullName ?? exception.GetType().Name,
            exception.Message,
            exception.StackTrace,
            exception.InnerException is { } inner ? FromException(inner) : null);
    }

    /// <summary>Whether the failure was caused by an exception of type <typeparamref name="T"/> (or a subtype).</summary>
    /// <typeparam name="T">The exception type.</typeparam>
    /// <returns><c>true</c> when the recorded type is <typeparamref name="T"/> or derives from it.</returns>
    public bool IsCausedBy<T>() where T : Exception
    {
        var type = Type.GetType(ErrorType, throwOnError: false)
            ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(ErrorType, throwOnError: false)).FirstOrDefault(t => t is not null);
        return type is not null && typeof(T).IsAssignableFrom(type);
    }
}

/// <summary>Thrown into an orchestration when an activity or sub-orchestration it called failed.</summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TaskFailedException"/> class.</summary>
    /// <param name="taskName">The activity or orchestration name.</param>
    /// <param name="failureDetails">What went wrong.</param>
    public TaskFailedException(string taskName, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' failed: {failureDetails?.ErrorType}: {failureDetails?.ErrorMessage}")
    {
        ArgumentNullException.ThrowIfNull(failureDetails);
        TaskName = taskName;
        FailureDetails = failureDetails;
    }

    /// <summary>Gets the name of the task that failed.</summary>
    public string TaskName { get; }

    /// <summary>Gets what went wrong.</summary>
    public TaskFailureDetails FailureDetails { get; }
}

/// <summary>Thrown when scheduling an instance id that is already Pending, Running or Suspended.</summary>
/// <param name="instanceId">The instance id.</param>
public sealed class InstanceAlreadyExistsException(string instanceId)
    : InvalidOperationException($"An orchestration instance with id '{instanceId}' is already pending, running or suspended.")
{
    /// <summary>Gets the instance id.</summary>
    public string InstanceId { get; } = instanceId;
}

/// <summary>Thrown when an operation names an instance that does not exist.</summary>
/// <param name="instanceId">The instance id.</param>
public sealed class InstanceNotFoundException(string instanceId)
    : InvalidOperationException($"No orchestration instance with id '{instanceId}' exists.")
{
    /// <summary>Gets the instance id.</summary>
    public string InstanceId { get; } = instanceId;
}
