namespace Transfers.Core.Exports;

/// <summary>A half-open time window: rows with <c>Start &lt;= last_updated_at &lt; End</c>.</summary>
/// <param name="Start">The inclusive start.</param>
/// <param name="End">The exclusive end.</param>
public sealed record ExportWindow(DateTimeOffset Start, DateTimeOffset End);

/// <summary>How a transfer's window and a model's watermark are decided.</summary>
public static class ExportWindows
{
    /// <summary>
    /// The window of one model: the requested start, else the epoch for a full refresh or a model never exported,
    /// else the model's watermark; the requested end, else the submission time, and never later than the submission
    /// time (the API refuses a later end; this keeps a transfer queued before it did from moving the watermark past rows
    /// not written yet). A start past the end gives an empty window at the end.
    /// </summary>
    /// <param name="requestedStart">The explicit start, if any.</param>
    /// <param name="requestedEnd">The explicit end, if any.</param>
    /// <param name="fullRefresh">Whether to ignore the watermark.</param>
    /// <param name="watermark">The end of the model's last successful window to this destination, if any.</param>
    /// <param name="submittedAt">When the transfer was submitted.</param>
    /// <returns>The window.</returns>
    public static ExportWindow Resolve(DateTimeOffset? requestedStart, DateTimeOffset? requestedEnd, bool fullRefresh, DateTimeOffset? watermark, DateTimeOffset submittedAt)
    {
        var end = requestedEnd is { } requested && requested < submittedAt ? requested : submittedAt;
        var start = requestedStart ?? (fullRefresh ? DateTimeOffset.UnixEpoch : watermark ?? DateTimeOffset.UnixEpoch);
        return new ExportWindow(start > end ? end : start, end);
    }

    /// <summary>
    /// The watermark after a model succeeded: the end of its window, unless an earlier watermark is already later
    /// (a back-fill of an old window must not make the next incremental transfer repeat newer rows).
    /// </summary>
    /// <param name="current">The current watermark, if any.</param>
    /// <param name="window">The window that succeeded.</param>
    /// <returns>The new watermark.</returns>
    public static DateTimeOffset Advance(DateTimeOffset? current, ExportWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return current is { } c && c > window.End ? c : window.End;
    }
}
