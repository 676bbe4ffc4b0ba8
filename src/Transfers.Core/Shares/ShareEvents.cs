namespace Transfers.Core.Shares;

/// <summary>The external events of the share transfer orchestrations.</summary>
public static class ShareEvents
{
    /// <summary>Pause: nothing is copied or deleted until <see cref="Resume"/>.</summary>
    public const string Pause = "SharePause";

    /// <summary>Resume a paused transfer; the next check runs at once.</summary>
    public const string Resume = "ShareResume";

    /// <summary>Stop for good: canceled, or replaced by an edited transfer.</summary>
    public const string Cancel = "ShareCancel";
}

/// <summary>The payload of <see cref="ShareEvents.Pause"/>.</summary>
/// <param name="RequestedAt">When the client asked.</param>
public sealed record PauseShareTransfer(DateTimeOffset RequestedAt);

/// <summary>The payload of <see cref="ShareEvents.Resume"/>.</summary>
/// <param name="RequestedAt">When the client asked.</param>
public sealed record ResumeShareTransfer(DateTimeOffset RequestedAt);

/// <summary>The payload of <see cref="ShareEvents.Cancel"/>.</summary>
/// <param name="RequestedAt">When the client asked.</param>
/// <param name="SupersededBy">The transfer that replaces this one, when it ends through the edit flow.</param>
public sealed record CancelShareTransfer(DateTimeOffset RequestedAt, string? SupersededBy = null);
