using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.Exports;
using Transfers.Testing;

namespace Transfers.Api.Tests.Exports;

/// <summary>Transfers queue per destination, run in parallel across destinations, and never jam a queue for good.</summary>
public sealed class ExportsQueueTests(ExportsApiFactory factory) : IClassFixture<ExportsApiFactory>
{
    // One partition is one key range, read as a chain of 40-row chunks: a transfer of these rows runs for a while.
    private const int SlowRows = 4_000;

    [Fact]
    public async Task Transfers_SecondToSameDestination_IsPendingWhileTheFirstRuns()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var destination = await CreateSlowDestinationAsync(client);
        var first = await ExportsCalls.SubmitAsync(client, destination, new { });
        var second = await ExportsCalls.SubmitAsync(client, destination, new { });
        await Eventually.MatchAsync(() => StatusAsync(client, first), s => s == "RUNNING", TimeSpan.FromSeconds(60));

        // Act
        var secondWhileFirstRuns = await StatusAsync(client, second);
        var firstAfterwards = await StatusAsync(client, first);

        // Assert
        Assert.Equal("RUNNING", firstAfterwards);
        Assert.Equal("PENDING", secondWhileFirstRuns);
        var ended = await ExportsCalls.WaitEndedAsync(client, second);
        Assert.Equal("SUCCESS", ended.GetProperty("status").GetString());
        Assert.True(ended.GetProperty("started_at").GetDateTimeOffset() >= (await ExportsCalls.WaitEndedAsync(client, first)).GetProperty("ended_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Transfers_ToTwoDestinations_RunAtTheSameTime()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var one = await CreateSlowDestinationAsync(client);
        var two = await ExportsCalls.CreateDestinationAsync(client, new { name = "b", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("out") });

        // Act
        var toOne = await ExportsCalls.SubmitAsync(client, one, new { });
        var toTwo = await ExportsCalls.SubmitAsync(client, two, new { });
        var a = await ExportsCalls.WaitEndedAsync(client, toOne);
        var b = await ExportsCalls.WaitEndedAsync(client, toTwo);

        // Assert
        Assert.Equal("SUCCESS", a.GetProperty("status").GetString());
        Assert.Equal("SUCCESS", b.GetProperty("status").GetString());
        Assert.Equal(SlowRows, b.GetProperty("rows_transferred").GetInt64());
        Assert.True(a.GetProperty("started_at").GetDateTimeOffset() < b.GetProperty("ended_at").GetDateTimeOffset(), "The first transfer started after the second ended.");
        Assert.True(b.GetProperty("started_at").GetDateTimeOffset() < a.GetProperty("ended_at").GetDateTimeOffset(), "The second transfer started after the first ended.");
    }

    [Fact]
    public async Task Transfers_HeadOfQueueWithoutOrchestration_IsEndedAndTheNextTransferCompletes()
    {
        // Arrange: a submit that stored its transfer and queue row, then died before scheduling the orchestration.
        using var client = await factory.CreateTenantClientAsync();
        await ExportsCalls.CreateModelAsync(client, "orders", await SeedAsync(rows: 50));
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "b", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("out") });
        var orphan = await SubmitWithoutOrchestrationAsync(destination, DateTimeOffset.UtcNow.AddHours(-1));

        // Act
        var next = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));
        var (_, ended) = await ExportsCalls.GetAsync(client, $"/transfers/{orphan}");

        // Assert
        Assert.Equal("SUCCESS", next.GetProperty("status").GetString());
        Assert.Equal(50, next.GetProperty("rows_transferred").GetInt64());
        Assert.Equal("ERROR", ended.GetProperty("data").GetProperty("status").GetString());
        Assert.Contains("never started", ended.GetProperty("data").GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_TransferWithoutOrchestration_EndsCancelledAtOnceAndFreesTheQueue()
    {
        // Arrange: within the orphan timeout, so only the cancel can free the queue.
        using var client = await factory.CreateTenantClientAsync();
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "b", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("out") });
        var orphan = await SubmitWithoutOrchestrationAsync(destination, DateTimeOffset.UtcNow);
        var next = await ExportsCalls.SubmitAsync(client, destination, new { });

        // Act
        var (status, cancelled) = await ExportsCalls.PostAsync(client, $"/transfers/{orphan}/cancel", new { });
        var after = await ExportsCalls.WaitEndedAsync(client, next);
        var (againStatus, _) = await ExportsCalls.PostAsync(client, $"/transfers/{orphan}/cancel", new { });

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("success", cancelled.GetProperty("status").GetString());
        Assert.Equal("Transfer cancelled.", cancelled.GetProperty("message").GetString());
        Assert.Equal("CANCELLED", cancelled.GetProperty("data").GetProperty("status").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, cancelled.GetProperty("data").GetProperty("ended_at").ValueKind);
        Assert.Equal("SUCCESS", after.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, againStatus);
    }

    private static async Task<string> StatusAsync(HttpClient client, string transferId) =>
        (await ExportsCalls.GetAsync(client, $"/transfers/{transferId}")).Body.GetProperty("data").GetProperty("status").GetString()!;

    private static async Task<string> SeedAsync(int rows)
    {
        var source = Azurite.UniqueName("src");
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, rows), DateTimeOffset.UtcNow.AddMinutes(-5), partitions: 1);
        return source;
    }

    /// <summary>A blob destination of a model whose transfers take many sequential chunks.</summary>
    private static async Task<string> CreateSlowDestinationAsync(HttpClient client)
    {
        await ExportsCalls.CreateModelAsync(client, "orders", await SeedAsync(SlowRows));
        return await ExportsCalls.CreateDestinationAsync(client, new { name = "slow", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("out") });
    }

    /// <summary>Records a PENDING transfer and its queue row exactly as the API does, but schedules no orchestration.</summary>
    private async Task<string> SubmitWithoutOrchestrationAsync(string destinationId, DateTimeOffset submittedAt)
    {
        var destinations = Azurite.Tables.GetTableClient("ExportDestinations");
        var tenant = (await destinations.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {destinationId}")).FirstAsync()).PartitionKey;
        var transfer = new ExportTransfer
        {
            Id = ExportTransfer.NewId(submittedAt),
            DestinationId = destinationId,
            Status = ExportStatus.Pending,
            SubmittedAt = submittedAt,
        };
        await factory.Services.GetRequiredService<ExportTransferStore>().SubmitAsync(tenant, transfer, null, null);
        return transfer.Id;
    }
}
