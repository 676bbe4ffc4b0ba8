using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Transfers.Core.Exports;
using Transfers.Testing;

namespace Transfers.Core.Tests.Exports;

/// <summary>The queue, claim and cancel rules of <see cref="ExportTransferStore"/> on the test Azurite.</summary>
public sealed class ExportTransferStoreTests : IDisposable
{
    private static readonly TimeSpan s_orphanTimeout = TimeSpan.FromMinutes(10);

    private readonly ServiceProvider _services;
    private readonly ExportTransferStore _store;
    private readonly string _tenant = Azurite.UniqueName("t");
    private readonly string _destination = "dst_" + Guid.NewGuid().ToString("N");
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public ExportTransferStoreTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Azurite.ConnectionString }).Build();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddTransfersCore()
            .BuildServiceProvider();
        _store = _services.GetRequiredService<ExportTransferStore>();
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task CancelAsync_Unclaimed_EndsCancelledAndLaterClaimFindsItEnded()
    {
        // Arrange
        var orphan = await SubmitAsync(_now.AddSeconds(-1));
        var next = await SubmitAsync(_now);

        // Act
        var cancel = await _store.CancelAsync(_tenant, orphan.Id, _now);
        var claimed = await _store.ClaimAsync(_tenant, orphan.Id, _now);

        // Assert
        Assert.Equal(ExportCancelOutcome.Cancelled, cancel.Outcome);
        Assert.Equal(ExportStatus.Cancelled, cancel.Transfer!.Status);
        Assert.NotNull(cancel.Transfer.EndedAt);
        Assert.Equal(ExportStatus.Cancelled, claimed!.Status);
        Assert.True(await _store.IsTurnAsync(_tenant, next, _now, s_orphanTimeout));
    }

    [Fact]
    public async Task CancelAsync_Claimed_OnlyAsksTheOrchestrationToStop()
    {
        // Arrange
        var transfer = await SubmitAsync(_now);
        await _store.ClaimAsync(_tenant, transfer.Id, _now);

        // Act
        var cancel = await _store.CancelAsync(_tenant, transfer.Id, _now);
        var again = await _store.ClaimAsync(_tenant, transfer.Id, _now);

        // Assert
        Assert.Equal(ExportCancelOutcome.Requested, cancel.Outcome);
        Assert.Equal(ExportStatus.Pending, cancel.Transfer!.Status);
        Assert.True(again!.CancelRequested);
        Assert.Equal(ExportStatus.Pending, again.Status);
    }

    [Fact]
    public async Task CancelAsync_EndedOrUnknown_ReportsSo()
    {
        // Arrange
        var transfer = await SubmitAsync(_now);
        await _store.FinishAsync(_tenant, transfer, ExportStatus.Success, _now);

        // Act
        var ended = await _store.CancelAsync(_tenant, transfer.Id, _now);
        var unknown = await _store.CancelAsync(_tenant, ExportTransfer.NewId(_now), _now);
        var otherTenant = await _store.CancelAsync(Azurite.UniqueName("t"), transfer.Id, _now);

        // Assert
        Assert.Equal(ExportCancelOutcome.AlreadyEnded, ended.Outcome);
        Assert.Equal(ExportStatus.Success, ended.Transfer!.Status);
        Assert.Equal(ExportCancelOutcome.NotFound, unknown.Outcome);
        Assert.Equal(ExportCancelOutcome.NotFound, otherTenant.Outcome);
    }

    [Fact]
    public async Task IsTurnAsync_UnclaimedHeadPastTimeout_EndsItAsErrorAndGoes()
    {
        // Arrange
        var orphan = await SubmitAsync(_now - s_orphanTimeout - TimeSpan.FromSeconds(1));
        var next = await SubmitAsync(_now);

        // Act
        var isTurn = await _store.IsTurnAsync(_tenant, next, _now, s_orphanTimeout);
        var ended = await _store.GetAsync(_tenant, orphan.Id);

        // Assert
        Assert.True(isTurn);
        Assert.Equal(ExportStatus.Error, ended!.Status);
        Assert.Contains("never started", ended.Error, StringComparison.Ordinal);
        Assert.Equal(ExportStatus.Error, (await _store.ClaimAsync(_tenant, orphan.Id, _now))!.Status);
    }

    [Fact]
    public async Task IsTurnAsync_UnclaimedHeadWithinTimeout_Waits()
    {
        // Arrange
        var head = await SubmitAsync(_now - s_orphanTimeout + TimeSpan.FromMinutes(1));
        var next = await SubmitAsync(_now);

        // Act
        var isTurn = await _store.IsTurnAsync(_tenant, next, _now, s_orphanTimeout);

        // Assert
        Assert.False(isTurn);
        Assert.Equal(ExportStatus.Pending, (await _store.GetAsync(_tenant, head.Id))!.Status);
    }

    [Fact]
    public async Task IsTurnAsync_ClaimedOrStartedHeadPastTimeout_Waits()
    {
        // Arrange
        var claimed = await SubmitAsync(_now - TimeSpan.FromHours(2));
        await _store.ClaimAsync(_tenant, claimed.Id, _now - TimeSpan.FromHours(2));
        var next = await SubmitAsync(_now);
        var otherDestination = "dst_" + Guid.NewGuid().ToString("N");
        var started = await SubmitAsync(_now - TimeSpan.FromHours(3), otherDestination);
        var afterStarted = await SubmitAsync(_now, otherDestination);

        // A transfer queued before claims existed shows its orchestration only by having started.
        await _store.MarkStartedAsync(_tenant, started.Id, _now - TimeSpan.FromHours(3), null, []);

        // Act
        var behindClaimed = await _store.IsTurnAsync(_tenant, next, _now, s_orphanTimeout);
        var behindStarted = await _store.IsTurnAsync(_tenant, afterStarted, _now, s_orphanTimeout);

        // Assert
        Assert.False(behindClaimed);
        Assert.False(behindStarted);
        Assert.Equal(ExportStatus.Pending, (await _store.GetAsync(_tenant, claimed.Id))!.Status);
        Assert.Equal(ExportStatus.Running, (await _store.GetAsync(_tenant, started.Id))!.Status);
    }

    [Fact]
    public async Task EndUnclaimedAsync_ClaimedTransfer_LeavesItToItsOrchestration()
    {
        // Arrange
        var claimed = await SubmitAsync(_now);
        await _store.ClaimAsync(_tenant, claimed.Id, _now);
        var unclaimed = await SubmitAsync(_now.AddSeconds(1));

        // Act
        var endedClaimed = await _store.EndUnclaimedAsync(_tenant, claimed.Id, ExportStatus.Error, _now, "could not be scheduled");
        var endedUnclaimed = await _store.EndUnclaimedAsync(_tenant, unclaimed.Id, ExportStatus.Error, _now, "could not be scheduled");

        // Assert
        Assert.False(endedClaimed);
        Assert.True(endedUnclaimed);
        Assert.Equal(ExportStatus.Pending, (await _store.GetAsync(_tenant, claimed.Id))!.Status);
        var failed = await _store.GetAsync(_tenant, unclaimed.Id);
        Assert.Equal(ExportStatus.Error, failed!.Status);
        Assert.Equal("could not be scheduled", failed.Error);
    }

    [Fact]
    public async Task GetAsync_ModelWithThousandsOfFiles_ListsEveryFileInChunkOrderWithTheManifestLast()
    {
        // Arrange: more file names than one table property holds (32K characters), recorded out of order as
        // parallel chunks finish, and a second model's files beside them.
        var transfer = await SubmitAsync(_now);
        var path = (string model, int chunk) => $"exports/{model}/dt=2026-12-04/part-{transfer.Id}-{chunk:D5}.jsonl.gz";
        var chunks = Enumerable.Range(0, 1_500).Reverse().ToList();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (chunk, ct) =>
            await _store.SaveFileAsync(transfer.Id, "orders", chunk, path("orders", chunk), ct));
        await _store.SaveFileAsync(transfer.Id, "orders", null, $"exports/_manifests/orders/manifest_{transfer.Id}.json");
        await _store.SaveFileAsync(transfer.Id, "order_lines", 0, path("order_lines", 0));
        foreach (var model in new[] { "orders", "order_lines" })
        {
            await _store.SaveModelAsync(transfer.Id, new ExportModelMetrics { ModelName = model, Status = ExportStatus.Success, RowsTransferred = 10 });
        }

        // Act
        var read = (await _store.GetAsync(_tenant, transfer.Id))!;

        // Assert
        Assert.Equal(["order_lines", "orders"], read.ModelMetrics.Select(m => m.ModelName).Order(StringComparer.Ordinal));
        var orders = read.ModelMetrics.Single(m => m.ModelName == "orders");
        Assert.Equal(
            [.. Enumerable.Range(0, 1_500).Select(chunk => path("orders", chunk)), $"exports/_manifests/orders/manifest_{transfer.Id}.json"],
            orders.Files);
        Assert.True(string.Join(",", orders.Files).Length > 32 * 1024);
        Assert.Equal([path("order_lines", 0)], read.ModelMetrics.Single(m => m.ModelName == "order_lines").Files);
    }

    private async Task<ExportTransfer> SubmitAsync(DateTimeOffset submittedAt, string? destinationId = null)
    {
        var transfer = new ExportTransfer
        {
            Id = ExportTransfer.NewId(submittedAt),
            DestinationId = destinationId ?? _destination,
            Status = ExportStatus.Pending,
            SubmittedAt = submittedAt,
        };
        await _store.SubmitAsync(_tenant, transfer, null, null);
        return (await _store.GetAsync(_tenant, transfer.Id))!;
    }
}
