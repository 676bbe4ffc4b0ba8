using System.Diagnostics;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Transfers.Api.Tests.Shares;
using Transfers.Core.Telemetry;
using Transfers.Testing;

namespace Transfers.Api.Tests.Telemetry;

/// <summary>
/// A Shares send on the local host with OpenTelemetry's in-memory exporters: one trace from the request through the
/// orchestration to each activity, and metrics equal to the transfer's own counts.
/// </summary>
public sealed class ShareTelemetryTests : IAsyncLifetime
{
    private readonly LockedList<Activity> _spans = new();
    private readonly LockedList<MetricSnapshot> _metrics = new();
    private readonly SharesFactory _host = new();
    private readonly WebApplicationFactory<Program> _factory;
    private readonly ShareFiles _files = new();
    private readonly string _tenant = Azurite.UniqueName("t");

    public ShareTelemetryTests()
    {
        _factory = _host.WithWebHostBuilder(builder => builder
            // No second check before the test reads the send's counts.
            .ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?> { ["Transfers:Shares:SyncInterval"] = "00:05:00" }))
            .ConfigureTestServices(services => services.AddOpenTelemetry()
                .WithTracing(tracing => tracing.AddTransfersInstrumentation().AddInMemoryExporter(_spans))
                .WithMetrics(metrics => metrics.AddTransfersInstrumentation().AddInMemoryExporter(_metrics))));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _host.DisposeAsync();
        await _files.Source.DeleteIfExistsAsync();
        await _files.Destination.DeleteIfExistsAsync();
    }

    [Fact]
    public async Task ShareSend_Traced_OneTraceLinksTheRequestTheOrchestrationAndEachActivity()
    {
        // Arrange
        using var client = await TenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        for (var i = 0; i < 9; i++)
        {
            await _files.WriteAsync($"f/{i}.txt", new string('a', 100 + i));
        }

        // Act
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, ["f/"], transferNow: true)).GetProperty("id").GetString()!;
        await Eventually.MatchAsync(() => ShareFiles.GetTransferAsync(client, shareId, transferId), t => t.GetProperty("status").GetString() == "synced", TimeSpan.FromSeconds(90));

        // Assert: the orchestration span is a child of the POST that started the transfer.
        var spans = _spans.Snapshot();
        var orchestration = Assert.Single(spans, s => s.Source.Name == TransfersTelemetry.Name && s.DisplayName.StartsWith("orchestration ", StringComparison.Ordinal) && Tag(s, "transfer.id") == transferId);
        Assert.Equal("shares", Tag(orchestration, "transfer.family"));
        var request = Assert.Single(spans, s => s.SpanId == orchestration.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("POST", Tag(request, "http.request.method"));
        Assert.EndsWith("/transfers", Tag(request, "http.route"), StringComparison.Ordinal);
        Assert.Equal(_tenant, Tag(request, "tenant"));

        // Each activity of the send is a span of the same trace, a child of the orchestration span, tagged with the transfer.
        var activities = spans.Where(s => s.TraceId == orchestration.TraceId && s.DisplayName.StartsWith("activity ", StringComparison.Ordinal)).ToList();
        Assert.All(activities, a => Assert.Equal(orchestration.SpanId, a.ParentSpanId));
        Assert.All(activities, a => Assert.Equal(transferId, Tag(a, "transfer.id")));
        var names = activities.Select(a => Tag(a, "durable.activity.name")).ToHashSet();
        Assert.Contains(nameof(Core.Shares.BeginShareFileSyncActivity), names);
        Assert.Contains(nameof(Core.Shares.DiffShareSourcePageActivity), names);
        Assert.Contains(nameof(Core.Shares.CopyShareFileBatchActivity), names);
        Assert.Contains(nameof(Core.Shares.CompleteShareCheckActivity), names);

        // The copy batches (BatchSize 7: two of them for nine files) carry what they copied, adding up to the send.
        var copies = activities.Where(a => Tag(a, "durable.activity.name") == nameof(Core.Shares.CopyShareFileBatchActivity)).ToList();
        Assert.Equal(9, copies.Sum(a => long.Parse(Tag(a, "transfer.files") ?? "0", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task ShareSend_Metered_FilesAndBytesMovedEqualTheTransfersOwnCounts()
    {
        // Arrange
        using var client = await TenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        for (var i = 0; i < 11; i++)
        {
            await _files.WriteAsync($"m/{i}.bin", new string('b', 1000 * (i + 1)));
        }

        // Act
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, ["m/"], transferNow: true)).GetProperty("id").GetString()!;
        var transfer = await Eventually.MatchAsync(
            () => ShareFiles.GetTransferAsync(client, shareId, transferId),
            t => t.GetProperty("status").GetString() == "synced",
            TimeSpan.FromSeconds(90));
        _factory.Services.GetRequiredService<MeterProvider>().ForceFlush();

        // Assert: this tenant's counters (other tests share the process's meter) equal the transfer's last sync.
        var lastSync = transfer.GetProperty("lastSync");
        Assert.Equal(11, lastSync.GetProperty("filesCopied").GetInt64());
        Assert.Equal(lastSync.GetProperty("filesCopied").GetInt64(), Sum("transfers.files.moved", _tenant));
        Assert.Equal(lastSync.GetProperty("bytesCopied").GetInt64(), Sum("transfers.bytes.moved", _tenant));
        Assert.Equal(66_000, Sum("transfers.bytes.moved", _tenant));
        Assert.Contains(_metrics.Snapshot(), m => m.Name == "transfers.activity.duration");
    }

    private async Task<HttpClient> TenantClientAsync()
    {
        using var admin = _factory.CreateClient();
        admin.DefaultRequestHeaders.Add("X-API-KEY", SharesFactory.AdminKey);
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-KEY", await TenantKeys.IssueWithHostAccountAsync(admin, _tenant));
        return client;
    }

    private long Sum(string metric, string tenant)
    {
        // The last export holds each counter's cumulative value per attribute set.
        var last = _metrics.Snapshot().LastOrDefault(m => m.Name == metric);
        return last is null ? 0 : last.MetricPoints
            .Where(p => Tags(p).Contains(new KeyValuePair<string, object?>("tenant", tenant)))
            .Sum(p => p.GetSumLong());
    }

    private static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();
}

/// <summary>A list the exporters add to from their threads while the test reads it.</summary>
internal sealed class LockedList<T> : ICollection<T>
{
    private readonly List<T> _items = [];

    public int Count { get { lock (_items) { return _items.Count; } } }

    public bool IsReadOnly => false;

    public List<T> Snapshot() { lock (_items) { return [.. _items]; } }

    public void Add(T item) { lock (_items) { _items.Add(item); } }

    public void Clear() { lock (_items) { _items.Clear(); } }

    public bool Contains(T item) { lock (_items) { return _items.Contains(item); } }

    public void CopyTo(T[] array, int arrayIndex) { lock (_items) { _items.CopyTo(array, arrayIndex); } }

    public bool Remove(T item) { lock (_items) { return _items.Remove(item); } }

    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
