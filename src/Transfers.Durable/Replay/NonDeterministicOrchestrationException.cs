namespace Transfers.Durable.Replay;

/// <summary>Thrown when replaying an orchestration takes a different path than its recorded history.</summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="NonDeterministicOrchestrationException"/> class.</summary>
    public NonDeterministicOrchestrationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NonDeterministicOrchestrationException"/> class.</summary>
    /// <param name="message">What diverged.</param>
    public NonDeterministicOrchestrationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NonDeterministicOrchestrationException"/> class.</summary>
    /// <param name="message">What diverged.</param>
    /// <param name="innerException">The cause.</param>
    public NonDeterministicOrchestrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
