using Port = Transfers.Core.DurableTask;

namespace Transfers.DurableTask;

/// <summary>
/// Maps failures between Durable Functions (<c>Microsoft.DurableTask</c>) and the port
/// (<c>Transfers.Core.DurableTask</c>), so that orchestrations catch the same exception type on both hosts.
/// </summary>
public static class DurableFailures
{
    /// <summary>
    /// <c>Microsoft.DurableTask.TaskFailedException</c> (thrown into an orchestrator when an activity or a
    /// sub-orchestration failed) becomes the port's <see cref="Port.TaskFailedException"/> with the same task name
    /// and the same failure details, inner failures included.
    /// </summary>
    /// <param name="exception">The Durable Task exception.</param>
    /// <returns>The port's exception.</returns>
    public static Port.TaskFailedException ToPort(Microsoft.DurableTask.TaskFailedException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new Port.TaskFailedException(exception.TaskName, ToPort(exception.FailureDetails));
    }

    /// <summary>
    /// <c>Microsoft.DurableTask.TaskFailureDetails</c> (error type, message, stack trace, inner failure) becomes the
    /// port's <see cref="Port.TaskFailureDetails"/> field by field.
    /// </summary>
    /// <param name="details">The Durable Task failure details.</param>
    /// <returns>The port's failure details.</returns>
    public static Port.TaskFailureDetails ToPort(Microsoft.DurableTask.TaskFailureDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        return new Port.TaskFailureDetails(
            details.ErrorType,
            details.ErrorMessage,
            details.StackTrace,
            details.InnerFailure is { } inner ? ToPort(inner) : null);
    }

    /// <summary>
    /// The failure of a failed instance whose provider stores only its output, <c>"{ErrorType}: {ErrorMessage}"</c>
    /// (Durable Task's Azure Storage provider writes the failure details' text there and returns no details).
    /// </summary>
    /// <param name="output">The failed instance's output.</param>
    /// <returns>The port's failure details; the whole text is the message when it names no error type.</returns>
    public static Port.TaskFailureDetails FromOutput(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var separator = output.IndexOf(": ", StringComparison.Ordinal);
        return separator > 0 && !output.AsSpan(0, separator).ContainsAny(" \n")
            ? new Port.TaskFailureDetails(output[..separator], output[(separator + 2)..], null, null)
            : new Port.TaskFailureDetails(string.Empty, output, null, null);
    }
}
