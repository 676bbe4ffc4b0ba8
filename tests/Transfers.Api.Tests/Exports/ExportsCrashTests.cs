using System.IO.Compression;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Transfers.Testing;

namespace Transfers.Api.Tests.Exports;

[Collection(CrashTestCollection.Name)]
public sealed class ExportsCrashTests
{
    // 64 partitions let the model split into key ranges; 10,000-row chunks give each destination twenty chunks over
    // those ranges, so the kill lands early in the export with chunks of several ranges in flight.
    private const int Rows = 200_000;
    private const int Partitions = 64;

    [Fact]
    public async Task Transfers_HostKilledMidExport_RestartDeliversEveryWindowRowExactlyOnce()
    {
        var source = Azurite.UniqueName("crash");
        var container = Azurite.UniqueName("crash");
        var prefix = "c" + Azurite.UniqueName("p")[..10];
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, Rows), DateTimeOffset.UtcNow.AddMinutes(-1), partitions: Partitions);
        await ExportsCalls.SeedAsync(source, Enumerable.Range(Rows, 1_000), DateTimeOffset.UtcNow.AddDays(1), partitions: Partitions);
        var settings = new Dictionary<string, string>
        {
            ["Transfers__Durable__HubName"] = Azurite.UniqueName("crashhub"),
            ["Transfers__Durable__LeaseDuration"] = "00:00:05",
            ["Transfers__Durable__PollingIntervalMax"] = "00:00:00.500",
            ["Transfers__Exports__RowsPerFile"] = "10000",
            ["Transfers__Exports__QueuePollInterval"] = "00:00:00.200",
            ["Transfers__Exports__ActivityFirstRetryInterval"] = "00:00:00.500",
        };

        string key, toTable, toBlob;
        await using (var first = await HostProcess.StartAsync(settings))
        {
            using var admin = first.CreateClient("test-admin-key");
            key = await TenantKeys.IssueWithHostAccountAsync(admin, Azurite.UniqueName("t"));
            using var client = first.CreateClient(key);

            // A request may queue behind the export's storage requests on a loaded machine; its latency is not under test.
            client.Timeout = TimeSpan.FromMinutes(2);
            await ExportsCalls.CreateModelAsync(client, "events", source);
            var tableDestination = await ExportsCalls.CreateDestinationAsync(client, new { name = "t", vendor = "azure_table_storage", table_prefix = prefix });
            var blobDestination = await ExportsCalls.CreateDestinationAsync(client, new { name = "b", vendor = "azure_blob_storage", bucket_name = container, format = "jsonl", compression = "gzip" });
            toTable = await ExportsCalls.SubmitAsync(client, tableDestination, new { is_debug_mode = true });
            toBlob = await ExportsCalls.SubmitAsync(client, blobDestination, new { is_debug_mode = true });

            // Killed as soon as the first rows land in the destination table: mid-chunk, whatever the machine's speed.
            await Eventually.MatchAsync(() => HasRowsAsync(Azurite.Tables.GetTableClient(prefix + "events")), any => any, TimeSpan.FromMinutes(3));
            await first.KillAsync();
        }

        await using var second = await HostProcess.StartAsync(settings);
        using var restarted = second.CreateClient(key);
        restarted.Timeout = TimeSpan.FromMinutes(2);

        // About a minute on an idle 2-core machine; the limits leave room for a loaded one.
        var tableTransfer = await ExportsCalls.WaitEndedAsync(restarted, toTable, TimeSpan.FromMinutes(8));
        var blobTransfer = await ExportsCalls.WaitEndedAsync(restarted, toBlob, TimeSpan.FromMinutes(2));

        Assert.Equal("SUCCESS", tableTransfer.GetProperty("status").GetString());
        Assert.Equal("SUCCESS", blobTransfer.GetProperty("status").GetString());
        var tableIds = new List<string>();
        await foreach (var row in Azurite.Tables.GetTableClient(prefix + "events").QueryAsync<TableEntity>(select: ["id"]))
        {
            tableIds.Add(row.GetString("id"));
        }

        Assert.Equal(Enumerable.Range(0, Rows), tableIds.Select(int.Parse).Order());
        var blobIds = await ReadManifestIdsAsync(Azurite.Blobs.GetBlobContainerClient(container), blobTransfer);
        Assert.Equal(Enumerable.Range(0, Rows), blobIds.Select(int.Parse).Order());
        Assert.Equal(Rows, tableTransfer.GetProperty("rows_transferred").GetInt64());
        Assert.Equal(Rows, blobTransfer.GetProperty("rows_transferred").GetInt64());
    }

    private static async Task<bool> HasRowsAsync(TableClient table)
    {
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["RowKey"]).AsPages())
            {
                return page.Values.Count > 0;
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return false;
    }

    /// <summary>Reads the manifest's files (and checks no other data file exists) and returns their row ids.</summary>
    private static async Task<List<string>> ReadManifestIdsAsync(BlobContainerClient container, JsonElement transfer)
    {
        var files = transfer.GetProperty("model_metrics")[0].GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        var manifest = JsonDocument.Parse((await container.GetBlobClient(files[^1]).DownloadContentAsync()).Value.Content.ToString()).RootElement;
        var listed = manifest.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToList();
        var stored = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = "events/" }))
        {
            stored.Add(blob.Name);
        }

        Assert.Equal(listed.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        var ids = new List<string>();
        foreach (var path in listed)
        {
            using var gzip = new GZipStream((await container.GetBlobClient(path).DownloadStreamingAsync()).Value.Content, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            while (await reader.ReadLineAsync() is { Length: > 0 } line)
            {
                ids.Add(JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!);
            }
        }

        Assert.Equal(manifest.GetProperty("total_rows").GetInt64(), ids.Count);
        return ids;
    }
}
