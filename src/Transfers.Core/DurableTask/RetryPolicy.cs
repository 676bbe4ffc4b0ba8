namespace Transfers.Core.DurableTask;

/// <summary>
/// How a failed activity is retried, as in Durable Task's <c>RetryPolicy</c>: the n-th retry waits
/// <c>FirstRetryInterval * BackoffCoefficient^(n-1)</c>, capped at <see cref="MaxRetryInterval"/>.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>Initializes a new instance of the <see cref="RetryPolicy"/> class.</summary>
    /// <param name="maxNumberOfAttempts">Total attempts including the first; at least 1.</param>
    /// <param name="firstRetryInterval">Delay before the first retry; positive.</param>
    /// <param name="backoffCoefficient">Multiplier applied per retry; at least 1.</param>
    /// <param name="maxRetryInterval">Upper bound of one delay; defaults to one hour.</param>
    public RetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0, TimeSpan? maxRetryInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
    }

    /// <summary>Gets the total number of attempts, the first included.</summary>
    public int MaxNumberOfAttempts { get; }

    /// <summary>Gets the delay before the first retry.</summary>
    public TimeSpan FirstRetryInterval { get; }

    /// <summary>Gets the multiplier applied to the delay after each retry.</summary>
    public double BackoffCoefficient { get; }

    /// <summary>Gets the upper bound of one delay.</summary>
    public TimeSpan MaxRetryInterval { get; }

    /// <summary>Gets a predicate that decides whether a failure is retried; all failures are retried when null.</summary>
    public Func<TaskFailureDetails, bool>? Handle { get; init; }

    /// <summary>Computes the delay before retry number <paramref name="retryNumber"/> (1-based).</summary>
    /// <param name="retryNumber">1 for the first retry.</param>
    /// <returns>The delay, capped at <see cref="MaxRetryInterval"/>.</returns>
    public TimeSpan GetDelay(int retryNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryNumber, 1);
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, retryNumber - 1);
        return ticks >= MaxRetryInterval.Ticks ? MaxRetryInterval : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Whether the given failure of attempt <paramref name="attempt"/> (1-based) should be retried.</summary>
    /// <param name="attempt">The attempt that just failed.</param>
    /// <param name="failure">What failed.</param>
    /// <returns><c>true</c> to retry.</returns>
    public bool ShouldRetry(int attempt, TaskFailureDetails failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return attempt < MaxNumberOfAttempts && (Handle?.Invoke(failure) ?? true);
    }
}
