using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.Exports;
using Transfers.Testing;

namespace Transfers.Api.Tests.Exports;

/// <summary>A transfer whose orchestration never came never jams its destination's queue.</summary>
public sealed class ExportsQueueTests(ExportsApiFactory factory) : IClassFixture<ExportsApiFactory>
{
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

    private static async Task<string> SeedAsync(int rows)
    {
        var source = Azurite.UniqueName("src");
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, rows), DateTimeOffset.UtcNow.AddMinutes(-5), partitions: 1);
        return source;
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
