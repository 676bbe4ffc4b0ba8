namespace Transfers.Testing;

/// <summary>Polls a condition until it holds, for assertions on asynchronous, durable work.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until it returns a value that satisfies <paramref name="condition"/>.</summary>
    /// <typeparam name="T">The probed value.</typeparam>
    /// <param name="probe">Reads the current value.</param>
    /// <param name="condition">The condition to reach.</param>
    /// <param name="timeout">How long to wait; 60 seconds when omitted.</param>
    /// <returns>The first value that satisfies the condition.</returns>
    /// <exception cref="TimeoutException">The condition did not hold in time; the message shows the last value.</exception>
    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var value = await probe();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The condition did not hold in time; last value: {value}");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(500, delay.TotalMilliseconds * 2));
        }
    }
}
