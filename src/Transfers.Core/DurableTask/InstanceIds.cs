namespace Transfers.Core.DurableTask;

/// <summary>The rules Durable Functions applies to instance ids.</summary>
public static class InstanceIds
{
    /// <summary>The longest instance id accepted.</summary>
    public const int MaxLength = 256;

    /// <summary>Checks an instance id and says what is wrong with it.</summary>
    /// <param name="instanceId">The candidate id.</param>
    /// <param name="error">Why it is rejected, when it is.</param>
    /// <returns><c>true</c> when the id is valid.</returns>
    public static bool TryValidate(string? instanceId, out string? error)
    {
        error = instanceId switch
        {
            null or "" => "The instance id must not be empty.",
            { Length: > MaxLength } => $"The instance id must be at most {MaxLength} characters.",
            _ when instanceId.AsSpan().IndexOfAny("/\\#?") >= 0 => "The instance id must not contain '/', '\\', '#' or '?'.",
            _ when instanceId.Any(char.IsControl) => "The instance id must not contain control characters.",
            _ => null,
        };
        return error is null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the id is invalid.</summary>
    /// <param name="instanceId">The candidate id.</param>
    public static void Validate(string? instanceId)
    {
        if (!TryValidate(instanceId, out var error))
        {
            throw new ArgumentException(error, nameof(instanceId));
        }
    }
}
