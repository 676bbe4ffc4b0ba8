using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Transfers.Core.Tabular;
using Transfers.Testing;

// Exports benchmark. Seeds N rows in 5 models (the seeding is the raw batch-write baseline), scans them raw (the
// scan baseline, with the export's own parallelism and without), copies them raw into fresh tables (the floor of any
// table export on the same storage), then runs the real host as a separate process and
// exports everything to gzip JSONL blobs and to a table destination through the API. Prints one table and writes it
// to --out.
var rows = BenchArgs.Int(args, "--rows", 1_000_000);
var models = BenchArgs.Int(args, "--models", 5);
var writers = BenchArgs.Int(args, "--write-concurrency", 32);
var chunks = BenchArgs.Int(args, "--parallel-chunks", 4);
using var load = new LoadSampler();
var output = BenchArgs.Text(args, "--out") ?? "bench/results/exports.md";
var perModel = rows / models;
var tables = Enumerable.Range(0, models).Select(m => $"benchsrc{m}").ToArray();
var baseTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
var payloadBytesPerRow = MeasureJsonlBytesPerRow();
var payloadMb = rows * payloadBytesPerRow / (1024.0 * 1024.0);
var results = new List<string>();
string[] primaryKey = ["id"];
Console.WriteLine($"Exports benchmark: {rows:N0} rows in {models} models, ~{payloadBytesPerRow:F0} JSONL bytes per row ({payloadMb:F1} MB).");

// Baseline 1: plain 100-entity batch writes of the rows, many batches in flight (this also seeds the sources).
var write = Stopwatch.StartNew();
foreach (var table in tables)
{
    await Azurite.Tables.GetTableClient(table).CreateIfNotExistsAsync();
}

await Parallel.ForEachAsync(
    tables.SelectMany(t => SeedBatches.Of(perModel, 64, Row).Select(actions => (Table: t, Actions: actions))),
    new ParallelOptions { MaxDegreeOfParallelism = writers },
    async (batch, ct) => await Azurite.Tables.GetTableClient(batch.Table).SubmitTransactionAsync(batch.Actions, ct));
write.Stop();
Report("Raw batch write (100-entity batches, " + writers + " in flight)", rows, write.Elapsed, payloadMb);

// Baseline 2: the fastest plain scan, nothing written, 1000-row pages: every table read in parallel, once with one
// reader per table and once split into the same partition-key ranges as the export (splitting included in the time).
// The faster of the two is the baseline.
var azurite = int.TryParse(Environment.GetEnvironmentVariable("AZURITE_PID"), out var azuritePid) ? azuritePid : (int?)null;
var scanPerTable = await ScanAsync(tables.Select(t => (t, (TableKeyRange?)TableKeyRange.All)));
Report("Raw scan (one reader per table, all tables in parallel)", scanPerTable.Rows, scanPerTable.Elapsed, payloadMb);
var scanRanges = await ScanAsync(tables.Select(t => (t, (TableKeyRange?)null)));
Report($"Raw scan ({chunks} key ranges per table, all in parallel)", scanRanges.Rows, scanRanges.Elapsed, payloadMb);
var scan = scanPerTable.Elapsed < scanRanges.Elapsed ? scanPerTable.Elapsed : scanRanges.Elapsed;

// Baseline 3: a plain copy, the least any table export can cost on one storage service: the key-range scan feeding
// 100-entity batch writes into a fresh table. Once with the source's keys (rows arrive in key order, the cheapest
// order to insert) and once keyed as the export keys them (TableRowKeys, hash buckets for a one-column key).
var copySourceKeys = await CopyAsync("copy", row => TableRowKeys.ForDestination(row, null));
Report("Raw copy, source keys (key-range scan into 100-entity batch writes)", copySourceKeys.Rows, copySourceKeys.Elapsed, payloadMb);
var copyExportKeys = await CopyAsync("copyk", row => TableRowKeys.ForDestination(row, primaryKey));
Report("Raw copy, the export's keys (same, rows keyed by `id`)", copyExportKeys.Rows, copyExportKeys.Elapsed, payloadMb);

// The exports, through the real host process and its durable engine.
await using var host = await HostProcess.StartAsync(new Dictionary<string, string>
{
    ["Transfers__Durable__HubName"] = "benchhub" + Guid.NewGuid().ToString("N")[..8],
    ["Transfers__Exports__QueuePollInterval"] = "00:00:00.250",
    ["Transfers__Exports__MaxParallelChunks"] = chunks.ToString(CultureInfo.InvariantCulture),
});
using var admin = host.CreateClient("test-admin-key");
admin.Timeout = TimeSpan.FromMinutes(5);
var key = await TenantKeys.IssueWithHostAccountAsync(admin, "bench");
using var client = host.CreateClient(key);
client.Timeout = TimeSpan.FromMinutes(2);
for (var m = 0; m < models; m++)
{
    (await client.PostAsJsonAsync("/models", new { model_name = $"model{m}", source_table = tables[m], primary_key = primaryKey, last_updated_at_column = "last_updated_at" })).EnsureSuccessStatusCode();
}

var blobDestination = await CreateDestinationAsync(new { name = "blobs", vendor = "azure_blob_storage", bucket_name = "benchout", format = "jsonl", compression = "gzip" });
var tableDestination = await CreateDestinationAsync(new { name = "tables", vendor = "azure_table_storage", table_prefix = "benchdst" });

var (blobElapsed, blobTransfer) = await ExportAsync(blobDestination);
var blobPeakRssMb = PeakRss.Mb(host.ProcessId);
PeakRss.Reset(host.ProcessId);
Report("Export to gzip JSONL blobs", blobTransfer.GetProperty("rows_transferred").GetInt64(), blobElapsed, payloadMb, blobTransfer.GetProperty("volume_transferred_in_mb").GetDouble());
Report("  of which running (started_at to ended_at)", rows, Running(blobTransfer), payloadMb);
var (tableElapsed, tableTransfer) = await ExportAsync(tableDestination);
Report("Export to table destination", tableTransfer.GetProperty("rows_transferred").GetInt64(), tableElapsed, payloadMb);
Report("  of which running (started_at to ended_at)", rows, Running(tableTransfer), payloadMb);

var tablePeakRssMb = PeakRss.Mb(host.ProcessId);
var peakRssMb = Math.Max(blobPeakRssMb, tablePeakRssMb);
var blobRatio = (rows / blobElapsed.TotalSeconds) / (rows / scan.TotalSeconds);
var tableRatio = (rows / tableElapsed.TotalSeconds) / (rows / write.Elapsed.TotalSeconds);
var copyRatio = copySourceKeys.Elapsed / tableElapsed;
var copyKeysRatio = copyExportKeys.Elapsed / tableElapsed;
var loadFigures = load.Stop();
Console.WriteLine($"Host peak RSS: {peakRssMb:F0} MB (start and blob export {blobPeakRssMb:F0} MB, table export {tablePeakRssMb:F0} MB)");
Console.WriteLine($"Load average: {loadFigures}");
Console.WriteLine($"Blob export / raw scan: {blobRatio:F2}x (target >= 0.7); table export / raw batch write: {tableRatio:F2}x (target >= 0.7)");
Console.WriteLine($"Table export / raw copy: {copyRatio:F2}x with the source's keys, {copyKeysRatio:F2}x with the export's keys");

var markdown = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, Azurite (fresh), {rows:N0} rows in {models} models ({perModel:N0} each), ~{payloadBytesPerRow:F0} JSONL bytes per row, `MaxParallelChunks` {chunks}.")
    .AppendLine()
    .AppendLine("| what | rows | seconds | rows/s | MB/s (JSONL payload) | output MB |")
    .AppendLine("|---|---:|---:|---:|---:|---:|");
foreach (var line in results)
{
    markdown.AppendLine(line);
}

markdown.AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"- Blob export / raw scan: **{blobRatio:F2}x** (target >= 0.7)")
    .AppendLine(CultureInfo.InvariantCulture, $"- Table export / raw batch write: **{tableRatio:F2}x** (target >= 0.7)")
    .AppendLine(CultureInfo.InvariantCulture, $"- Table export / raw copy: {copyRatio:F2}x with the source's keys, {copyKeysRatio:F2}x with the export's keys (the copy reads and writes the same rows with no engine, no checkpoints)")
    .AppendLine(CultureInfo.InvariantCulture, $"- Host peak RSS (VmHWM of the host process, both exports): **{peakRssMb:F0} MB** (target <= 500 MB); start and blob export {blobPeakRssMb:F0} MB, table export {tablePeakRssMb:F0} MB")
    .AppendLine(CultureInfo.InvariantCulture, $"- Load average (1 min) during the run: {loadFigures}");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, markdown.ToString());
Console.WriteLine($"Wrote {output}");
return;

// A null range means: split the table the way the export does.
async Task<(long Rows, TimeSpan Elapsed)> ScanAsync(IEnumerable<(string Table, TableKeyRange? Range)> work)
{
    using var cpu = new CpuMeter("scan", ("bench", Environment.ProcessId, false), ("Azurite", azurite, false));
    var clock = Stopwatch.StartNew();
    var counts = await Task.WhenAll(work.Select(async w =>
    {
        var table = Azurite.Tables.GetTableClient(w.Table);
        IReadOnlyList<TableKeyRange> ranges = w.Range is { } range ? [range] : await TableKeyRanges.SplitAsync(table, chunks);
        var perRange = await Task.WhenAll(ranges.Select(r => ReadRangeAsync(table, r, _ => Task.CompletedTask)));
        return perRange.Sum();
    }));
    return (counts.Sum(), clock.Elapsed);
}

// Reads one key range of a table in 1000-row pages, handing each page on; returns the rows read.
async Task<long> ReadRangeAsync(TableClient table, TableKeyRange range, Func<IReadOnlyList<TableEntity>, Task> onPage)
{
    long count = 0;
    var filter = new TableRowQuery { PartitionKeyFrom = range.From, PartitionKeyTo = range.To }.ToFilter();
    await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000).AsPages())
    {
        await onPage(page.Values);
        count += page.Values.Count;
    }

    return count;
}

// Copies every source table into a fresh table (dropped afterwards, so later phases find the store as before).
async Task<(long Rows, TimeSpan Elapsed)> CopyAsync(string suffix, Func<TableEntity, TableEntity> rekey)
{
    using var cpu = new CpuMeter("copy", ("bench", Environment.ProcessId, false), ("Azurite", azurite, false));
    using var slots = new SemaphoreSlim(writers);
    var clock = Stopwatch.StartNew();
    var counts = await Task.WhenAll(tables.Select(async name =>
    {
        var source = Azurite.Tables.GetTableClient(name);
        var target = Azurite.Tables.GetTableClient(name + suffix);
        await target.CreateIfNotExistsAsync();
        var ranges = await TableKeyRanges.SplitAsync(source, chunks);
        var perRange = await Task.WhenAll(ranges.Select(async range =>
        {
            var sends = new List<Task>();
            var partitions = new Dictionary<string, List<TableTransactionAction>>(StringComparer.Ordinal);
            var count = await ReadRangeAsync(source, range, async rows =>
            {
                foreach (var row in rows)
                {
                    var entity = rekey(row);
                    if (!partitions.TryGetValue(entity.PartitionKey, out var batch))
                    {
                        partitions[entity.PartitionKey] = batch = new List<TableTransactionAction>(100);
                    }

                    batch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
                    if (batch.Count == 100)
                    {
                        partitions.Remove(entity.PartitionKey);
                        sends.Add(await SendAsync(target, batch));
                    }
                }
            });

            foreach (var batch in partitions.Values)
            {
                sends.Add(await SendAsync(target, batch));
            }

            await Task.WhenAll(sends);
            return count;
        }));
        return perRange.Sum();
    }));
    clock.Stop();
    foreach (var name in tables)
    {
        await Azurite.Tables.DeleteTableAsync(name + suffix);
    }

    return (counts.Sum(), clock.Elapsed);

    // Waits for a free slot before sending, so reading never runs ahead of writing by more than the slots.
    async Task<Task> SendAsync(TableClient target, List<TableTransactionAction> batch)
    {
        await slots.WaitAsync();
        return Send();

        async Task Send()
        {
            try
            {
                await target.SubmitTransactionAsync(batch);
            }
            finally
            {
                slots.Release();
            }
        }
    }
}

TableEntity Row(int i) => new($"p{i % 64:D2}", i.ToString("D8", CultureInfo.InvariantCulture))
{
    ["id"] = i.ToString(CultureInfo.InvariantCulture),
    ["customer"] = $"customer-{i % 9973}",
    ["amount"] = (i % 100_000) / 100.0,
    ["quantity"] = i % 17,
    ["status"] = (i % 3) switch { 0 => "open", 1 => "paid", _ => "shipped" },
    ["note"] = "benchmark row with a little text to make it realistic",
    ["last_updated_at"] = baseTime.AddSeconds(i),
};

double MeasureJsonlBytesPerRow()
{
    using var sink = new MemoryStream();
    var writer = new RowFileWriter(sink, RowFileFormat.Jsonl, RowFileCompression.None);
    writer.WriteAsync(Enumerable.Range(0, 1000).Select(Row)).AsTask().GetAwaiter().GetResult();
    writer.CompleteAsync().GetAwaiter().GetResult();
    return writer.Bytes / 1000.0;
}

async Task<string> CreateDestinationAsync(object body)
{
    using var response = await client.PostAsJsonAsync("/destinations", body);
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("id").GetString()!;
}

async Task<(TimeSpan Elapsed, JsonElement Transfer)> ExportAsync(string destinationId)
{
    using var cpu = new CpuMeter("export", ("host", host.ProcessId, false), ("Azurite", azurite, false));
    var clock = Stopwatch.StartNew();
    using var submitted = await client.PostAsJsonAsync($"/destinations/{destinationId}/transfer", new { });
    submitted.EnsureSuccessStatusCode();
    var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("transfer_id").GetString()!;
    while (true)
    {
        await Task.Delay(250);
        JsonElement transfer;
        try
        {
            transfer = (await client.GetFromJsonAsync<JsonElement>($"/transfers/{id}")).GetProperty("data");
        }
        catch (TaskCanceledException)
        {
            // A status read that times out on a saturated machine is retried; the clock keeps running.
            continue;
        }


        var status = transfer.GetProperty("status").GetString();
        if (status is "SUCCESS" or "PARTIAL_FAILURE" or "ERROR" or "CANCELLED")
        {
            clock.Stop();
            if (status != "SUCCESS")
            {
                throw new InvalidOperationException($"Transfer {id} ended {status}: {transfer}");
            }

            return (clock.Elapsed, transfer);
        }
    }
}

void Report(string what, long count, TimeSpan elapsed, double mb, double? outputMb = null)
{
    var line = string.Create(
        CultureInfo.InvariantCulture,
        $"| {what} | {count:N0} | {elapsed.TotalSeconds:F1} | {count / elapsed.TotalSeconds:N0} | {mb / elapsed.TotalSeconds:F2} | {(outputMb is { } o ? o.ToString("F1", CultureInfo.InvariantCulture) : "")} |");
    results.Add(line);
    Console.WriteLine(line);
}

static TimeSpan Running(JsonElement transfer) =>
    transfer.GetProperty("ended_at").GetDateTimeOffset() - transfer.GetProperty("started_at").GetDateTimeOffset();
