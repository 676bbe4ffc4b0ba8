using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Transfers.Testing;

namespace Transfers.Api.Tests.Exports;

public sealed class ExportsTransferTests(ExportsApiFactory factory) : IClassFixture<ExportsApiFactory>
{
    [Fact]
    public async Task Transfers_FullRefreshAndExplicitWindow_SelectExactRows()
    {
        using var client = await factory.CreateTenantClientAsync();
        var source = Azurite.UniqueName("src");
        var container = Azurite.UniqueName("out");
        var t0 = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, 30), t0);
        await ExportsCalls.SeedAsync(source, Enumerable.Range(30, 30), t0.AddDays(1));
        await ExportsCalls.CreateModelAsync(client, "items", source);
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "csv", vendor = "azure_blob_storage", bucket_name = container, format = "csv", compression = "none" });

        var incremental = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));
        var full = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { full_refresh = true }));
        var window = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new
        {
            start_transfer_window_at = "2024-03-01T12:00:00Z",
            end_transfer_window_at = "2024-03-02T00:00:01+00:00",
            tags = new Dictionary<string, string> { ["run"] = "backfill_1" },
        }));

        Assert.Equal(60, incremental.GetProperty("rows_transferred").GetInt64());
        Assert.Equal(60, full.GetProperty("rows_transferred").GetInt64());
        Assert.Equal(30, window.GetProperty("rows_transferred").GetInt64());
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero), window.GetProperty("start_transfer_window_at").GetDateTimeOffset());
        Assert.Equal("backfill_1", window.GetProperty("tags").GetProperty("run").GetString());
        Assert.Equal(Enumerable.Range(30, 30), (await ReadManifestRowsAsync(container, window)).Select(int.Parse).Order());
    }

    [Fact]
    public async Task Transfers_TableDestination_UpsertsEveryRowOnceAndRerunChangesNothing()
    {
        using var client = await factory.CreateTenantClientAsync();
        var source = Azurite.UniqueName("src");
        var prefix = "t" + Azurite.UniqueName("p")[..12];
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, 150), DateTimeOffset.UtcNow.AddMinutes(-5));
        await ExportsCalls.CreateModelAsync(client, "user_events", source);
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "tables", vendor = "azure_table_storage", table_prefix = prefix });

        var first = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { models = new[] { "user_events" } }));
        var rerun = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { full_refresh = true }));

        Assert.Equal("SUCCESS", first.GetProperty("status").GetString());
        Assert.Equal(150, first.GetProperty("rows_transferred").GetInt64());
        Assert.Equal(150, rerun.GetProperty("rows_transferred").GetInt64());
        var rows = new List<TableEntity>();
        await foreach (var row in Azurite.Tables.GetTableClient(prefix + "userevents").QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        Assert.Equal(150, rows.Count);
        Assert.Equal(150, rows.Select(r => r.RowKey).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(r.RowKey, r.GetString("id")));
    }

    [Fact]
    public async Task Transfers_ModelInKeyRangesOfSeveralChunks_BothDestinationsGetEveryRowOnce()
    {
        using var client = await factory.CreateTenantClientAsync();
        var source = Azurite.UniqueName("src");
        var container = Azurite.UniqueName("out");
        var prefix = "r" + Azurite.UniqueName("p")[..12];
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, 1_000), DateTimeOffset.UtcNow.AddMinutes(-5), partitions: 16);
        await ExportsCalls.CreateModelAsync(client, "orders", source);
        var blobs = await ExportsCalls.CreateDestinationAsync(client, new { name = "b", vendor = "azure_blob_storage", bucket_name = container });
        var tables = await ExportsCalls.CreateDestinationAsync(client, new { name = "t", vendor = "azure_table_storage", table_prefix = prefix });

        var toBlobs = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, blobs, new { }));
        var toTables = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, tables, new { }));

        Assert.Equal("SUCCESS", toBlobs.GetProperty("status").GetString());
        Assert.Equal("SUCCESS", toTables.GetProperty("status").GetString());
        Assert.Equal(1_000, toBlobs.GetProperty("rows_transferred").GetInt64());
        Assert.Equal(1_000, toTables.GetProperty("rows_transferred").GetInt64());

        // Partitions p0 … p15 split at the prefixes p2, p5 and p7 into ranges of 498, 189, 126 and 187 rows, each read
        // as a chain of 40-row chunks: 13 + 5 + 4 + 5 files, then the manifest.
        var files = toBlobs.GetProperty("model_metrics")[0].GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(13 + 5 + 4 + 5 + 1, files.Count);
        Assert.Equal(files.Count - 1, files.Distinct().Count(f => f.Contains("/part-", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(0, 1_000), (await ReadManifestRowsAsync(container, toBlobs)).Select(int.Parse).Order());
        var tableIds = new List<int>();
        await foreach (var row in Azurite.Tables.GetTableClient(prefix + "orders").QueryAsync<TableEntity>(select: ["id"]))
        {
            tableIds.Add(int.Parse(row.GetString("id"), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(Enumerable.Range(0, 1_000), tableIds.Order());
    }

    [Fact]
    public async Task Transfers_OneDestination_RunOneAtATimeInSubmissionOrder()
    {
        using var client = await factory.CreateTenantClientAsync();
        var source = Azurite.UniqueName("src");
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, 200), DateTimeOffset.UtcNow.AddMinutes(-5));
        await ExportsCalls.CreateModelAsync(client, "orders", source);
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "b", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("out") });

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await ExportsCalls.SubmitAsync(client, destination, new { full_refresh = true }));
        }

        var ended = new List<JsonElement>();
        foreach (var id in ids)
        {
            ended.Add(await ExportsCalls.WaitEndedAsync(client, id));
        }

        Assert.All(ended, t => Assert.Equal("SUCCESS", t.GetProperty("status").GetString()));
        for (var i = 1; i < ended.Count; i++)
        {
            Assert.True(
                ended[i].GetProperty("started_at").GetDateTimeOffset() >= ended[i - 1].GetProperty("ended_at").GetDateTimeOffset(),
                $"Transfer {i} started before transfer {i - 1} ended.");
        }

        var (_, listed) = await ExportsCalls.GetAsync(client, $"/transfers?destination_id={destination}&status=SUCCESS&page_size=2");
        Assert.Equal(2, listed.GetProperty("data").GetProperty("transfers").GetArrayLength());
        Assert.True(listed.GetProperty("data").GetProperty("has_next").GetBoolean());
        Assert.Equal(ids[2], listed.GetProperty("data").GetProperty("transfers")[0].GetProperty("id").GetString());
        var token = listed.GetProperty("data").GetProperty("next_page_token").GetString();
        var (_, rest) = await ExportsCalls.GetAsync(client, $"/transfers?destination_id={destination}&page_size=2&page_token={token}");
        Assert.Equal(ids[0], rest.GetProperty("data").GetProperty("transfers")[0].GetProperty("id").GetString());
        Assert.False(rest.GetProperty("data").GetProperty("has_next").GetBoolean());
    }

    [Fact]
    public async Task Transfers_OneModelFails_PartialFailureAndOnlyTheGoodWatermarkAdvances()
    {
        using var client = await factory.CreateTenantClientAsync();
        var source = Azurite.UniqueName("src");
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, 10), DateTimeOffset.UtcNow.AddMinutes(-5));
        await ExportsCalls.CreateModelAsync(client, "good", source);
        await ExportsCalls.CreateModelAsync(client, "missing", Azurite.UniqueName("none"));
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "b", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("out") });

        var first = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { is_debug_mode = true }));
        var second = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));
        var (logStatus, logs) = await ExportsCalls.GetAsync(client, $"/transfers/{first.GetProperty("id").GetString()}/logs");

        Assert.Equal("PARTIAL_FAILURE", first.GetProperty("status").GetString());
        var metrics = first.GetProperty("model_metrics").EnumerateArray().ToDictionary(m => m.GetProperty("model_name").GetString()!);
        Assert.Equal("SUCCESS", metrics["good"].GetProperty("status").GetString());
        Assert.Equal("ERROR", metrics["missing"].GetProperty("status").GetString());
        Assert.Equal("Exporting chunk 0 failed: the storage service answered 404 (TableNotFound).", metrics["missing"].GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("error").ValueKind);
        var secondMetrics = second.GetProperty("model_metrics").EnumerateArray().ToDictionary(m => m.GetProperty("model_name").GetString()!);
        Assert.Equal(first.GetProperty("end_transfer_window_at").GetDateTimeOffset(), secondMetrics["good"].GetProperty("start_transfer_window_at").GetDateTimeOffset());
        Assert.Equal(DateTimeOffset.UnixEpoch, secondMetrics["missing"].GetProperty("start_transfer_window_at").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, logStatus);
        var entries = logs.GetProperty("data").GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.True(entries.Count >= 3);
        Assert.Contains("Model missing ended ERROR: 0 rows, 0 bytes. Exporting chunk 0 failed: the storage service answered 404 (TableNotFound).", entries);
        Assert.All(entries, e => Assert.DoesNotContain("RequestId", e, StringComparison.OrdinalIgnoreCase));
        Assert.All(entries, e => Assert.DoesNotContain("Headers", e, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task CreateTransfer_Valid_Returns200EnvelopeAndShowsTheRequestAsSubmitted()
    {
        using var client = await factory.CreateTenantClientAsync();
        var source = Azurite.UniqueName("src");
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, 10), DateTimeOffset.UtcNow.AddMinutes(-5));
        await ExportsCalls.CreateModelAsync(client, "orders", source);
        await ExportsCalls.CreateModelAsync(client, "other", source);
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "b", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("out") });
        var before = DateTimeOffset.UtcNow;

        var (status, created) = await ExportsCalls.PostAsync(client, $"/destinations/{destination}/transfer", new
        {
            full_refresh = true,
            is_debug_mode = true,
            models = new[] { "orders" },
            tags = new Dictionary<string, string> { ["run"] = "nightly-1" },
        });
        var after = DateTimeOffset.UtcNow;
        var id = created.GetProperty("data").GetProperty("transfer_id").GetString()!;
        var ended = await ExportsCalls.WaitEndedAsync(client, id);
        var (_, listed) = await ExportsCalls.GetAsync(client, $"/transfers?destination_id={destination}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("success", created.GetProperty("status").GetString());
        Assert.Equal("Transfer enqueued.", created.GetProperty("message").GetString());
        Assert.Matches("^tr[0-9a-f]{24}$", id);
        foreach (var transfer in new[] { ended, listed.GetProperty("data").GetProperty("transfers").EnumerateArray().Single() })
        {
            Assert.Equal(id, transfer.GetProperty("id").GetString());
            Assert.Equal(destination, transfer.GetProperty("destination_id").GetString());
            Assert.InRange(transfer.GetProperty("submitted_at").GetDateTimeOffset(), before, after);
            Assert.True(transfer.GetProperty("full_refresh").GetBoolean());
            Assert.True(transfer.GetProperty("is_debug_mode").GetBoolean());
            Assert.Equal(["orders"], transfer.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
            Assert.Equal("nightly-1", transfer.GetProperty("tags").GetProperty("run").GetString());
            Assert.Equal(["orders"], transfer.GetProperty("model_metrics").EnumerateArray().Select(m => m.GetProperty("model_name").GetString()));
        }

        Assert.Equal("SUCCESS", ended.GetProperty("status").GetString());
        Assert.Equal(10, ended.GetProperty("rows_transferred").GetInt64());
    }

    [Fact]
    public async Task ListTransfers_SubmittedAfter_ReturnsOnlyLaterTransfers()
    {
        using var client = await factory.CreateTenantClientAsync();
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "b", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("out") });
        var first = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));
        var second = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));
        var firstSubmitted = first.GetProperty("submitted_at").GetDateTimeOffset();

        var (_, atFirst) = await ExportsCalls.GetAsync(client, $"/transfers?submitted_after={Uri.EscapeDataString(firstSubmitted.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}");
        var (_, beforeFirst) = await ExportsCalls.GetAsync(client, $"/transfers?submitted_after={Uri.EscapeDataString(firstSubmitted.AddSeconds(-1).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture))}");
        var (_, afterBoth) = await ExportsCalls.GetAsync(client, $"/transfers?submitted_after={Uri.EscapeDataString(second.GetProperty("submitted_at").GetDateTimeOffset().AddSeconds(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture))}");

        Assert.Equal([second.GetProperty("id").GetString()], Ids(atFirst));
        Assert.Equal([second.GetProperty("id").GetString(), first.GetProperty("id").GetString()], Ids(beforeFirst));
        Assert.Empty(Ids(afterBoth));
    }

    [Fact]
    public async Task Cancel_QueuedTransfer_EndsCancelledWithoutExporting()
    {
        using var client = await factory.CreateTenantClientAsync();
        var source = Azurite.UniqueName("src");
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, 400), DateTimeOffset.UtcNow.AddMinutes(-5));
        await ExportsCalls.CreateModelAsync(client, "orders", source);
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "b", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("out") });
        var running = await ExportsCalls.SubmitAsync(client, destination, new { });
        var queued = await ExportsCalls.SubmitAsync(client, destination, new { });

        var (cancelStatus, _) = await ExportsCalls.PostAsync(client, $"/transfers/{queued}/cancel", new { });
        var cancelled = await ExportsCalls.WaitEndedAsync(client, queued);
        var first = await ExportsCalls.WaitEndedAsync(client, running);
        var (againStatus, again) = await ExportsCalls.PostAsync(client, $"/transfers/{queued}/cancel", new { });

        Assert.Equal(HttpStatusCode.OK, cancelStatus);
        Assert.Equal("CANCELLED", cancelled.GetProperty("status").GetString());
        Assert.Equal(0, cancelled.GetProperty("rows_transferred").GetInt64());
        Assert.Equal("SUCCESS", first.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, againStatus);
        Assert.Equal("error", again.GetProperty("status").GetString());
    }

    private static List<string?> Ids(JsonElement page) =>
        [.. page.GetProperty("data").GetProperty("transfers").EnumerateArray().Select(t => t.GetProperty("id").GetString())];

    /// <summary>Reads a model's manifest, checks every file against it, and returns the ids of all rows in its files.</summary>
    internal static async Task<List<string>> ReadManifestRowsAsync(string container, JsonElement transfer)
    {
        var files = transfer.GetProperty("model_metrics")[0].GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        var blobs = Azurite.Blobs.GetBlobContainerClient(container);
        var manifest = JsonDocument.Parse((await blobs.GetBlobClient(files[^1]).DownloadContentAsync()).Value.Content.ToString()).RootElement;
        var ids = new List<string>();
        long total = 0;
        foreach (var file in manifest.GetProperty("files").EnumerateArray())
        {
            var bytes = (await blobs.GetBlobClient(file.GetProperty("path").GetString()).DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(file.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.Equal(file.GetProperty("bytes").GetInt64(), bytes.Length);
            var path = file.GetProperty("path").GetString()!;
            Stream stream = new MemoryStream(bytes);
            if (path.EndsWith(".gz", StringComparison.Ordinal))
            {
                stream = new GZipStream(stream, CompressionMode.Decompress);
            }

            using var reader = new StreamReader(stream);
            var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
            if (path.EndsWith(".csv", StringComparison.Ordinal))
            {
                var header = lines[0].Split(',');
                var idColumn = Array.IndexOf(header, "id");
                lines = [.. lines.Skip(1).Select(l => l.Split(',')[idColumn])];
                ids.AddRange(lines);
            }
            else
            {
                ids.AddRange(lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!));
            }

            Assert.Equal(file.GetProperty("rows").GetInt64(), lines.Count);
            total += lines.Count;
        }

        Assert.Equal(manifest.GetProperty("total_rows").GetInt64(), total);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(files.Count - 1, manifest.GetProperty("files").GetArrayLength());
        return ids;
    }

    [Fact]
    public async Task CreateTransfer_WindowEndInTheFuture_Returns400AndNoLaterRowIsLost()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var source = Azurite.UniqueName("src");
        var container = Azurite.UniqueName("out");
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, 10), DateTimeOffset.UtcNow.AddMinutes(-1));
        await ExportsCalls.CreateModelAsync(client, "orders", source);
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "blobs", vendor = "azure_blob_storage", bucket_name = container, format = "jsonl", compression = "none" });

        // Act: a window ending in the future, as in the report, and one ending ten minutes ahead.
        var (farStatus, farBody) = await ExportsCalls.PostAsync(client, $"/destinations/{destination}/transfer", new { end_transfer_window_at = "9999-12-31T23:59:59Z" });
        var (nearStatus, nearBody) = await ExportsCalls.PostAsync(client, $"/destinations/{destination}/transfer", new { end_transfer_window_at = DateTimeOffset.UtcNow.AddMinutes(10) });
        var first = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));
        await ExportsCalls.SeedAsync(source, [10], DateTimeOffset.UtcNow);
        var next = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));

        // Assert
        foreach (var (status, body) in new[] { (farStatus, farBody), (nearStatus, nearBody) })
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("error", body.GetProperty("status").GetString());
            Assert.Equal("end_transfer_window_at must not be in the future: rows written before it would never be exported.", body.GetProperty("message").GetString());
            Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
        }

        Assert.Equal(10, first.GetProperty("rows_transferred").GetInt64());
        Assert.Equal("SUCCESS", next.GetProperty("status").GetString());
        Assert.Equal(["10"], await ReadManifestRowsAsync(container, next));
    }

    [Fact]
    public async Task Transfers_GrantRevokedAfterSave_ModelFailsWithTheReasonAndNoRowMoves()
    {
        // Arrange: a model and a destination saved while the tenant was granted the host's account.
        using var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add("X-API-KEY", TransfersApiFactory.AdminKey);
        var tenant = Azurite.UniqueName("t");
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-KEY", await TenantKeys.IssueWithHostAccountAsync(admin, tenant));
        var source = Azurite.UniqueName("src");
        var container = Azurite.UniqueName("out");
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, 10), DateTimeOffset.UtcNow.AddMinutes(-1));
        await ExportsCalls.CreateModelAsync(client, "orders", source);
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "blobs", vendor = "azure_blob_storage", bucket_name = container, format = "jsonl", compression = "none" });

        // Act
        using var revoked = await admin.DeleteAsync($"/admin/tenants/{tenant}/connections/default");
        var transfer = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal("ERROR", transfer.GetProperty("status").GetString());
        Assert.Equal(0, transfer.GetProperty("rows_transferred").GetInt64());
        Assert.Contains("The storage connection 'default' is not granted to this tenant", transfer.GetProperty("model_metrics")[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(await Azurite.Blobs.GetBlobContainerClient(container).ExistsAsync());
    }
}

/// <summary>Incremental exports fanned out into chunks, with watermarks: one body, run on both durable backends.</summary>
public abstract class ExportsIncrementalTests(ExportsApiFactory factory)
{
    [Fact]
    public async Task Transfers_IncrementalWindowsToBlobs_ExportEachChangeOnceAndManifestsMatchFiles()
    {
        using var client = await factory.CreateTenantClientAsync();
        var source = Azurite.UniqueName("src");
        var container = Azurite.UniqueName("out");
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, 100), DateTimeOffset.UtcNow.AddHours(-1));
        await ExportsCalls.CreateModelAsync(client, "orders", source);
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "blobs", vendor = "azure_blob_storage", bucket_name = container, path_prefix = "feed", format = "jsonl", compression = "gzip" });

        var first = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));
        await ExportsCalls.SeedAsync(source, Enumerable.Range(90, 20), DateTimeOffset.UtcNow, version: 2);
        var second = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));
        var third = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));

        Assert.Equal("SUCCESS", first.GetProperty("status").GetString());
        Assert.Equal(100, first.GetProperty("rows_transferred").GetInt64());
        Assert.True(first.GetProperty("volume_transferred_in_mb").GetDouble() > 0);
        Assert.True(first.GetProperty("model_metrics")[0].GetProperty("bytes_transferred").GetInt64() > 0);
        Assert.Equal(DateTimeOffset.UnixEpoch, first.GetProperty("start_transfer_window_at").GetDateTimeOffset());
        Assert.Equal(20, second.GetProperty("rows_transferred").GetInt64());
        Assert.Equal(first.GetProperty("end_transfer_window_at").GetDateTimeOffset(), second.GetProperty("start_transfer_window_at").GetDateTimeOffset());
        Assert.Equal(0, third.GetProperty("rows_transferred").GetInt64());
        var firstIds = await ExportsTransferTests.ReadManifestRowsAsync(container, first);
        var secondIds = await ExportsTransferTests.ReadManifestRowsAsync(container, second);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i.ToString()), firstIds.Order(StringComparer.Ordinal).Select(int.Parse).Order().Select(i => i.ToString()));
        Assert.Equal(Enumerable.Range(90, 20).Select(i => i.ToString()), secondIds.Select(int.Parse).Order().Select(i => i.ToString()));
        Assert.Empty(await ExportsTransferTests.ReadManifestRowsAsync(container, third));
        var files = first.GetProperty("model_metrics")[0].GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();

        // Four partitions give four key ranges of 25 rows: one file each, then the manifest.
        Assert.Equal(5, files.Count);
        Assert.Matches(@"^feed/orders/dt=\d{4}-\d{2}-\d{2}/part-tr[0-9a-f]{24}-00000\.jsonl\.gz$", files[0]);
        Assert.Equal($"feed/_manifests/orders/manifest_{first.GetProperty("id").GetString()}.json", files[^1]);
    }
}

/// <summary>ExportsIncrementalTests on the embedded engine.</summary>
public sealed class EmbeddedExportsIncrementalTests(ExportsApiFactory factory) : ExportsIncrementalTests(factory), IClassFixture<ExportsApiFactory>;

/// <summary>ExportsIncrementalTests on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageExportsIncrementalTests(AzureStorageExportsApiFactory factory) : ExportsIncrementalTests(factory), IClassFixture<AzureStorageExportsApiFactory>;
