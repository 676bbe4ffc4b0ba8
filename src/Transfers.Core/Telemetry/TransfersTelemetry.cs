using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Transfers.Core.Telemetry;

/// <summary>
/// The traces and metrics of Transfers: the <see cref="ActivitySource"/> and <see cref="Meter"/> named
/// <see cref="Name"/>, and the instruments the families record. Nothing is collected unless a listener (an OpenTelemetry
/// provider the host adds) subscribes to that name.
/// </summary>
/// <remarks>
/// A transfer is one trace: the API request that starts it, the span of its orchestration's scheduling (whose context
/// the durable engine keeps with the instance) and a span per activity run, each a child of that orchestration span.
/// Attributes: <c>transfer.id</c>, <c>transfer.family</c>, <c>tenant</c> and the counts an activity moved.
/// </remarks>
public static class TransfersTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "Transfers";

    /// <summary>The attribute naming the transfer.</summary>
    public const string TransferIdTag = "transfer.id";

    /// <summary>The attribute naming the family: <see cref="Shares"/>, <see cref="Exports"/> or <see cref="Ownership"/>.</summary>
    public const string FamilyTag = "transfer.family";

    /// <summary>The Shares family's name in attributes.</summary>
    public const string Shares = "shares";

    /// <summary>The Exports family's name in attributes.</summary>
    public const string Exports = "exports";

    /// <summary>The Ownership family's name in attributes.</summary>
    public const string Ownership = "ownership";

    /// <summary>The attribute naming the tenant (the Ownership family: the owner's user id).</summary>
    public const string TenantTag = "tenant";

    /// <summary>Instance id prefixes of each family's orchestrations, as the families name them.</summary>
    private static readonly (string Prefix, string Family)[] InstancePrefixes =
        [("share-transfer-", Shares), ("exports-", Exports), ("ownership-", Ownership)];

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> FilesMoved = Meter.CreateCounter<long>("transfers.files.moved", "{file}", "Files copied to destinations.");
    private static readonly Counter<long> BytesMoved = Meter.CreateCounter<long>("transfers.bytes.moved", "By", "Bytes copied or written to destinations.");
    private static readonly Counter<long> RowsMoved = Meter.CreateCounter<long>("transfers.rows.moved", "{row}", "Table rows written to destinations.");
    private static readonly Counter<long> ResourcesMoved = Meter.CreateCounter<long>("transfers.resources.moved", "{resource}", "Ownership resources moved to their new owner.");
    private static readonly Counter<long> Started = Meter.CreateCounter<long>("transfers.started", "{transfer}", "Transfers started, by family.");
    private static readonly Counter<long> Ended = Meter.CreateCounter<long>("transfers.ended", "{transfer}", "Transfers ended, by family and status.");
    private static readonly Histogram<double> ActivityDuration = Meter.CreateHistogram<double>("transfers.activity.duration", "s", "How long each activity run took, by activity and outcome.");
    private static readonly Counter<long> Repairs = Meter.CreateCounter<long>(RepairsCounter, "{repair}", "Records the reconciler brought into agreement with their orchestrations.");
    private static readonly Histogram<double> SyncLag = Meter.CreateHistogram<double>(
        "transfers.sync.lag", "s", "Automated transfers: at the end of each check, how long a source change made just after the previous check's start waited to reach the destination.");

    /// <summary>The counter of the reconciler's repairs, tagged <c>family</c> and <c>action</c> (<c>rescheduled</c>, <c>failed</c>, <c>finished</c>).</summary>
    public const string RepairsCounter = "transfers.reconciler.repairs";

    /// <summary>Gets the source of every Transfers span.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>Finds the family and transfer id an orchestration instance id names.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <returns>The family and transfer id, or <c>null</c> for an instance of no family.</returns>
    public static (string Family, string TransferId)? Describe(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        foreach (var (prefix, family) in InstancePrefixes)
        {
            if (instanceId.StartsWith(prefix, StringComparison.Ordinal))
            {
                return (family, instanceId[prefix.Length..]);
            }
        }

        return null;
    }

    /// <summary>
    /// Records the scheduling of an orchestration as a span, a child of the current one (the API request), and returns
    /// the W3C <c>traceparent</c> its activities continue from: that span's, else the current span's, else <c>null</c>.
    /// </summary>
    /// <param name="orchestrationName">The orchestration.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <returns>The trace context to keep with the instance.</returns>
    public static string? ScheduleOrchestration(string orchestrationName, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        using var span = Source.StartActivity($"orchestration {orchestrationName}", ActivityKind.Producer);
        Tag(span, instanceId);
        span?.SetTag("durable.instance.id", instanceId);
        return (span ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } context ? context.Id : null;
    }

    /// <summary>Starts the span of one activity run, a child of the orchestration span whose context the instance keeps.</summary>
    /// <param name="activityName">The activity.</param>
    /// <param name="instanceId">The orchestration instance.</param>
    /// <param name="traceParent">The instance's trace context, if it has one.</param>
    /// <returns>The span, or <c>null</c> when nothing listens.</returns>
    public static Activity? StartActivity(string activityName, string instanceId, string? traceParent)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        ActivityContext.TryParse(traceParent, null, out var parent);
        var span = Source.StartActivity($"activity {activityName}", ActivityKind.Internal, parent);
        Tag(span, instanceId);
        span?.SetTag("durable.activity.name", activityName);
        return span;
    }

    /// <summary>Ends an activity run: records its duration and, for a failure, the error on its span.</summary>
    /// <param name="span">The span from <see cref="StartActivity"/>, if any.</param>
    /// <param name="activityName">The activity.</param>
    /// <param name="elapsed">How long it ran.</param>
    /// <param name="error">The exception it failed with, if it did.</param>
    public static void EndActivity(Activity? span, string activityName, TimeSpan elapsed, Exception? error)
    {
        ActivityDuration.Record(
            elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("activity", activityName),
            new KeyValuePair<string, object?>("outcome", error is null ? "completed" : "failed"));
        if (span is not null && error is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, error.Message);
            span.AddException(error);
        }
    }

    /// <summary>Counts one repair of the reconciler.</summary>
    /// <param name="family">The family of the repaired record.</param>
    /// <param name="action">What the repair did.</param>
    public static void RecordRepair(string family, string action) =>
        Repairs.Add(1, new KeyValuePair<string, object?>("family", family), new KeyValuePair<string, object?>("action", action));

    /// <summary>Records what an activity moved, in the metrics and as attributes of the current span.</summary>
    /// <param name="family">The family.</param>
    /// <param name="tenant">The tenant.</param>
    /// <param name="files">Files copied.</param>
    /// <param name="bytes">Bytes copied or written.</param>
    /// <param name="rows">Rows written.</param>
    /// <param name="resources">Ownership resources moved.</param>
    public static void RecordMoved(string family, string tenant, long files = 0, long bytes = 0, long rows = 0, long resources = 0)
    {
        var tags = new TagList { { FamilyTag, family }, { TenantTag, tenant } };
        Add(FilesMoved, files, "transfer.files", tags);
        Add(BytesMoved, bytes, "transfer.bytes", tags);
        Add(RowsMoved, rows, "transfer.rows", tags);
        Add(ResourcesMoved, resources, "transfer.resources", tags);
        Activity.Current?.SetTag(TenantTag, tenant);
    }

    /// <summary>Counts a transfer that started.</summary>
    /// <param name="family">The family.</param>
    public static void RecordStarted(string family) => Started.Add(1, new KeyValuePair<string, object?>(FamilyTag, family));

    /// <summary>Counts a transfer that ended.</summary>
    /// <param name="family">The family.</param>
    /// <param name="status">The status it ended in, in the family's own words.</param>
    public static void RecordEnded(string family, string status) =>
        Ended.Add(1, new KeyValuePair<string, object?>(FamilyTag, family), new KeyValuePair<string, object?>("status", status));

    /// <summary>Records the sync lag of an automated transfer at the end of a check.</summary>
    /// <param name="family">The family.</param>
    /// <param name="lag">The lag.</param>
    public static void RecordSyncLag(string family, TimeSpan lag) =>
        SyncLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>(FamilyTag, family));

    private static void Tag(Activity? span, string instanceId)
    {
        if (span is not null && Describe(instanceId) is var (family, transferId))
        {
            span.SetTag(TransferIdTag, transferId);
            span.SetTag(FamilyTag, family);
        }
    }

    private static void Add(Counter<long> counter, long value, string attribute, in TagList tags)
    {
        if (value <= 0)
        {
            return;
        }

        counter.Add(value, tags);
        if (Activity.Current is { } span)
        {
            // Several runs of one activity add up on their own spans; this one carries what it moved.
            span.SetTag(attribute, value);
        }
    }
}
