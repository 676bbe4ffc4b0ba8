using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Transfers.Testing;

namespace Transfers.Api.Tests.Shares;

public sealed class TableSyncEndToEndTests(SharesFactory factory) : IClassFixture<SharesFactory>
{
    [Fact]
    public async Task TableTransfer_ThreeLoadingPatterns_LoadThenFollowChangesEachCheck()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var prefix = "p" + Guid.NewGuid().ToString("N")[..10];
        var source = Azurite.Tables.GetTableClient(prefix + "src");
        await source.CreateIfNotExistsAsync();
        for (var i = 0; i < 30; i++)
        {
            await source.UpsertEntityAsync(new TableEntity("orders", $"r{i:D3}") { ["OrderId"] = i, ["Amount"] = i * 10 });
        }

        // A check reads rows up to a second before it starts (slack for server timestamps): let the rows age first.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var shareId = await CreateTableShareAsync(client, prefix);

        // Act: the first load
        var transferId = await StartTableTransferAsync(
            client,
            shareId,
            new { type = "table", name = "append", sourceTable = prefix + "src", loadingPattern = "APPEND_ONLY" },
            new { type = "table", name = "upsert", sourceTable = prefix + "src", loadingPattern = "UPDATE_AND_APPEND", primaryKey = new[] { "OrderId" } },
            new { type = "table", name = "overwrite", sourceTable = prefix + "src", loadingPattern = "OVERWRITE" });
        var first = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);
        var firstCounts = await CountsAsync(prefix);

        // Act: change the source
        var changedAt = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await source.UpsertEntityAsync(new TableEntity("orders", "r000") { ["OrderId"] = 0, ["Amount"] = 999 });
        await source.UpsertEntityAsync(new TableEntity("orders", "r100") { ["OrderId"] = 100, ["Amount"] = 1000 });
        await source.DeleteEntityAsync("orders", "r001");
        await Eventually.MatchAsync(
            () => ShareFiles.GetTransferAsync(client, shareId, transferId),
            t => t.TryGetProperty("lastSync", out var last) && last.GetProperty("startedAt").GetDateTimeOffset() > changedAt.AddSeconds(3.5),
            TimeSpan.FromSeconds(90));
        var secondCounts = await CountsAsync(prefix);
        var upserted = Azurite.Tables.GetTableClient(prefix + "upsert").Query<TableEntity>(e => e.GetInt32("OrderId") == 0).Single();

        // Assert
        Assert.Empty(first.GetProperty("errors").EnumerateArray());
        Assert.Equal(90, first.GetProperty("lastSync").GetProperty("rowsWritten").GetInt64());
        Assert.Contains(prefix + "append", first.GetProperty("accessDetails").GetProperty("access").GetString(), StringComparison.Ordinal);

        // The members of a postgres destination's access details stay out of a table destination's record.
        Assert.Equal(["access"], first.GetProperty("accessDetails").EnumerateObject().Select(p => p.Name));
        Assert.Equal((30, 30, 30), firstCounts);
        Assert.Equal((31, 31, 30), secondCounts);
        Assert.Equal(999, upserted.GetInt32("Amount"));
    }

    [Fact]
    public async Task TableTransfer_SourceTableMissing_ReportsItInErrorsKeepsSyncingAndLoadsItOnceItExists()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var prefix = "p" + Guid.NewGuid().ToString("N")[..10];
        var present = Azurite.Tables.GetTableClient(prefix + "src");
        await present.CreateIfNotExistsAsync();
        for (var i = 0; i < 3; i++)
        {
            await present.UpsertEntityAsync(new TableEntity("rows", $"r{i}") { ["Value"] = i });
        }

        var shareId = await CreateTableShareAsync(client, prefix);

        // Act: the first check, with one source table missing
        var transferId = await StartTableTransferAsync(
            client,
            shareId,
            new { type = "table", name = "present", sourceTable = prefix + "src", loadingPattern = "OVERWRITE" },
            new { type = "table", name = "late", sourceTable = prefix + "missing", loadingPattern = "OVERWRITE" });
        var first = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);
        var second = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, first.GetProperty("lastSync").GetProperty("startedAt").GetDateTimeOffset());

        // Act: the table appears
        var missing = Azurite.Tables.GetTableClient(prefix + "missing");
        await missing.CreateIfNotExistsAsync();
        await missing.UpsertEntityAsync(new TableEntity("rows", "r0") { ["Value"] = 0 });
        var appearedAt = DateTimeOffset.UtcNow;
        var healed = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, appearedAt);

        // Assert
        foreach (var check in new[] { first, second })
        {
            Assert.Equal("synced", check.GetProperty("status").GetString());
            var error = Assert.Single(check.GetProperty("errors").EnumerateArray());
            Assert.Equal("late", error.GetProperty("table").GetString());
            Assert.False(error.TryGetProperty("path", out _));
            var message = error.GetProperty("message").GetString()!;
            Assert.Equal("Loading the table failed: the storage service answered 404 (TableNotFound).", message);
        }

        Assert.Equal(3, first.GetProperty("lastSync").GetProperty("rowsWritten").GetInt64());
        Assert.Empty(healed.GetProperty("errors").EnumerateArray());
        Assert.Equal(4, healed.GetProperty("lastSync").GetProperty("rowsWritten").GetInt64());
        Assert.Single(Azurite.Tables.GetTableClient(prefix + "late").Query<TableEntity>());
    }

    private static async Task<(int Append, int Upsert, int Overwrite)> CountsAsync(string prefix)
    {
        async Task<int> CountAsync(string name)
        {
            var count = 0;
            await foreach (var _ in Azurite.Tables.GetTableClient(prefix + name).QueryAsync<TableEntity>(select: ["RowKey"]))
            {
                count++;
            }

            return count;
        }

        return (await CountAsync("append"), await CountAsync("upsert"), await CountAsync("overwrite"));
    }

    private static async Task<string> CreateTableShareAsync(HttpClient client, string prefix)
    {
        using var share = await client.PostAsJsonAsync("/v1/shares", new
        {
            name = "tables",
            source = new { container = "unused-box" },
            destination = new { kind = "table", tablePrefix = prefix },
        });
        Assert.Equal(HttpStatusCode.Created, share.StatusCode);
        return (await share.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<string> StartTableTransferAsync(HttpClient client, string shareId, params object[] tables)
    {
        using var created = await client.PostAsJsonAsync($"/v1/shares/{shareId}/transfers", new { transferEntity = tables, options = new { transferNow = true } });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
