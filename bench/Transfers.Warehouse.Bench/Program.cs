using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Npgsql;
using NpgsqlTypes;
using Transfers.Core.Shares;
using Transfers.Core.Tabular;
using Transfers.Core.Warehouse;
using Transfers.Testing;

// Warehouse benchmark. Seeds N rows into one Azurite table (the seeding is a raw batch write, for reference), then per
// loading pattern: scans the rows with the loader's own query and page size and writes nothing (the read alone), the
// baseline (the same scan feeding one plain binary COPY into a fresh PostgreSQL table, no engine) and the engine (the
// real host, Transfers.Host as a separate process, loading a share table transfer to a postgres destination through
// the API: submission to the end of its first check, and the host's peak RSS). Prints one table and writes it to --out.
// Needs TRANSFERS_TEST_STORAGE (Azurite) and TRANSFERS_TEST_POSTGRES (an administrative login); bench/run-warehouse.sh
// starts both.
const string Warehouse = "warehouse";
const string EngineSchema = "bench";
const string BaselineSchema = "baseline";
const string WindowColumn = "Timestamp";

var rows = BenchArgs.Int(args, "--rows", 1_000_000);
var writers = BenchArgs.Int(args, "--write-concurrency", 32);
var patterns = (BenchArgs.Text(args, "--patterns") ?? $"{LoadingPatterns.AppendOnly},{LoadingPatterns.Overwrite}").Split(',');
// Without --skip-scan each pattern also times the scan alone (what the reads cost without any writes).
var scanAlone = !BenchArgs.Flag(args, "--skip-scan");
var output = BenchArgs.Text(args, "--out") ?? "bench/results/warehouse-run.md";
var azurite = int.TryParse(Environment.GetEnvironmentVariable("AZURITE_PID"), out var azuritePid) ? azuritePid : (int?)null;
var postgres = int.TryParse(Environment.GetEnvironmentVariable("POSTGRES_PID"), out var postgresPid) ? postgresPid : (int?)null;
// The source's columns and the types the table writer gives them (Timestamp is the table service's own).
(string Name, string SqlType, NpgsqlDbType Type)[] columns =
[
    ("PartitionKey", "text", NpgsqlDbType.Text),
    ("RowKey", "text", NpgsqlDbType.Text),
    ("Timestamp", "timestamp with time zone", NpgsqlDbType.TimestampTz),
    ("order_id", "uuid", NpgsqlDbType.Uuid),
    ("customer", "text", NpgsqlDbType.Text),
    ("status", "text", NpgsqlDbType.Text),
    ("note", "text", NpgsqlDbType.Text),
    ("quantity", "integer", NpgsqlDbType.Integer),
    ("sequence", "bigint", NpgsqlDbType.Bigint),
    ("amount", "double precision", NpgsqlDbType.Double),
    ("paid", "boolean", NpgsqlDbType.Boolean),
    ("ordered_at", "timestamp with time zone", NpgsqlDbType.TimestampTz),
];
using var load = new LoadSampler();
var baseTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
var bytesPerRow = Enumerable.Range(0, 1000).Average(i => JsonSerializer.SerializeToUtf8Bytes<IDictionary<string, object>>(Row(i)).Length);
var results = new List<string>();
Console.WriteLine($"Warehouse benchmark: {rows:N0} rows in one table, ~{bytesPerRow:F0} JSON bytes per row, patterns {string.Join(", ", patterns)}.");

// The warehouse: a fresh database on the server, one schema for the engine and one for the baseline.
var database = await Postgres.CreateDatabaseAsync("whbench");
await using var dataSource = NpgsqlDataSource.Create(database);
await ExecuteAsync($"CREATE SCHEMA {EngineSchema}; CREATE SCHEMA {BaselineSchema}");
string? serverVersion;
await using (var version = dataSource.CreateCommand("SHOW server_version"))
{
    serverVersion = (string?)await version.ExecuteScalarAsync();
}

// The source, written in 100-entity batches of one partition, many in flight.
var source = Azurite.Tables.GetTableClient(Azurite.UniqueName("whsrc"));
await source.CreateAsync();
var write = Stopwatch.StartNew();
await Parallel.ForEachAsync(
    SeedBatches.Of(rows, 64, Row),
    new ParallelOptions { MaxDegreeOfParallelism = writers },
    async (batch, ct) => await source.SubmitTransactionAsync(batch, ct));
write.Stop();
Report($"Seeding: raw batch write (100-entity batches, {writers} in flight)", rows, write.Elapsed);

// The host, with the warehouse as a connection granted to the bench's tenant and one share loading into its schema; no
// second check within the run.
await using var host = await HostProcess.StartAsync(new Dictionary<string, string>
{
    ["Transfers__Durable__HubName"] = "benchhub" + Guid.NewGuid().ToString("N")[..8],
    [$"Transfers__Connections__{Warehouse}"] = database,
    ["Transfers__Shares__SyncInterval"] = "1.00:00:00",
});
using var admin = host.CreateClient("test-admin-key");
var key = await TenantKeys.IssueWithHostAccountAsync(admin, "bench");
(await admin.PostAsJsonAsync("/admin/tenants/bench/connections", new { connection = Warehouse })).EnsureSuccessStatusCode();
using var client = host.CreateClient(key);
client.Timeout = TimeSpan.FromMinutes(2);
using var shareCreated = await client.PostAsJsonAsync(
    "/v1/shares", new { name = "bench", source = new { container = "bench" }, destination = new { kind = ShareDestinationKinds.Postgres, connection = Warehouse, schema = EngineSchema } });
shareCreated.EnsureSuccessStatusCode();
var shareId = (await shareCreated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

// The loader's window ends a second before its first chunk starts: let that second pass, so every row is in it.
await Task.Delay(TimeSpan.FromSeconds(1.5));
var summary = new List<string>();
foreach (var pattern in patterns)
{
    // The query PostgresShareTableLoader builds for the first load of a table (no watermark yet).
    var query = pattern == LoadingPatterns.Overwrite
        ? new TableRowQuery()
        : new TableRowQuery { TimestampColumn = WindowColumn, To = DateTimeOffset.UtcNow.AddSeconds(-1), WindowCheckedInHost = true };
    var table = pattern.ToLowerInvariant();

    if (scanAlone)
    {
        var scan = await MeasureAsync($"scan {pattern}", () => ScanAsync(query, null));
        Report($"{pattern}: raw scan (the loader's query, {TableRowReader.MaxPageSize}-row pages, nothing written)", scan.Rows, scan.Elapsed, scan.Cpu);
    }

    var baseline = await MeasureAsync($"baseline {pattern}", () => CopyAsync(query, table));
    Report($"{pattern}: baseline (the same scan into one plain binary COPY)", baseline.Rows, baseline.Elapsed, baseline.Cpu);

    PeakRss.Reset(host.ProcessId);
    TimeSpan check = default;
    var engine = await MeasureAsync($"host {pattern}", async () =>
    {
        var (count, elapsed, sync) = await TransferAsync(pattern, table);
        check = sync;
        return (count, elapsed);
    });
    var peakRssMb = PeakRss.Mb(host.ProcessId);
    Report($"{pattern}: host (share table transfer through the API, submitted to first check done)", engine.Rows, engine.Elapsed, engine.Cpu);
    Report("  of which the check (its lastSync startedAt to endedAt)", engine.Rows, check);

    await RequireRowsAsync($"{BaselineSchema}.{table}");
    await RequireRowsAsync($"{EngineSchema}.{table}");
    var ratio = baseline.Elapsed / engine.Elapsed;

    // Azurite is the bottleneck and gets a share of the cores that moves with the machine's load: the ratio of its CPU
    // over the two phases compares them as if both had run at the same load.
    var azuriteRatio = baseline.Cpu["Azurite"] / engine.Cpu["Azurite"];
    summary.Add(string.Create(
        CultureInfo.InvariantCulture,
        $"- {pattern}: engine / baseline **{ratio:F2}x** (target >= 0.8), {azuriteRatio:F2}x by Azurite's CPU; host peak RSS **{peakRssMb:F0} MB** (target <= 500 MB)"));
}

var loadFigures = load.Stop();
summary.Add($"- Load average (1 min) during the run: {loadFigures}");
foreach (var line in summary)
{
    Console.WriteLine(line);
}

var markdown = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, Azurite (fresh, in memory), PostgreSQL {serverVersion}, {rows:N0} rows in one table, ~{bytesPerRow:F0} JSON bytes per row.")
    .AppendLine()
    .AppendLine("| what | rows | seconds | rows/s | CPU s over the phase |")
    .AppendLine("|---|---:|---:|---:|---|");
foreach (var line in results)
{
    markdown.AppendLine(line);
}

markdown.AppendLine();
foreach (var line in summary)
{
    markdown.AppendLine(line);
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, markdown.ToString());
Console.WriteLine($"Wrote {output}");
return 0;

// Runs a phase with the CPU of the processes it loads measured around it.
async Task<(long Rows, TimeSpan Elapsed, IReadOnlyDictionary<string, double> Cpu)> MeasureAsync(string phase, Func<Task<(long Rows, TimeSpan Elapsed)>> run)
{
    using var cpu = new CpuMeter(
        phase, ("bench", Environment.ProcessId, false), ("host", host.ProcessId, false), ("Azurite", azurite, false), ("PostgreSQL", postgres, true));
    var (count, elapsed) = await run();
    return (count, elapsed, cpu.Used);
}

// Reads every row of the query with the loader's reader, handing each page on (or dropping it).
async Task<(long Rows, TimeSpan Elapsed)> ScanAsync(TableRowQuery query, Func<IReadOnlyList<TableEntity>, CancellationToken, ValueTask>? onPage)
{
    var clock = Stopwatch.StartNew();
    var read = await TableRowReader.ReadAsync(source, query, null, null, onPage ?? ((_, _) => ValueTask.CompletedTask));
    return (read.Rows, clock.Elapsed);
}

// The baseline: the scan feeding one binary COPY (its own transaction) into a table created up front with the types the
// writer infers for these columns; every value written with its type, nothing converted.
async Task<(long Rows, TimeSpan Elapsed)> CopyAsync(TableRowQuery query, string table)
{
    await using var connection = await dataSource.OpenConnectionAsync();
    await using (var create = new NpgsqlCommand(
        $"CREATE TABLE {BaselineSchema}.{table} ({string.Join(", ", columns.Select(c => $"{PostgresNames.Quote(c.Name)} {c.SqlType}"))})", connection))
    {
        await create.ExecuteNonQueryAsync();
    }

    var clock = Stopwatch.StartNew();
    await using var copy = await connection.BeginBinaryImportAsync($"COPY {BaselineSchema}.{table} ({string.Join(", ", columns.Select(c => PostgresNames.Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)");
    var (count, _) = await ScanAsync(query, async (page, ct) =>
    {
        foreach (var row in page)
        {
            await copy.StartRowAsync(ct);
            foreach (var (name, _, type) in columns)
            {
                await (row.TryGetValue(name, out var value) && value is not null ? copy.WriteAsync(value, type, ct) : copy.WriteNullAsync(ct));
            }
        }
    });
    await copy.CompleteAsync();
    return (count, clock.Elapsed);
}

// Creates a table transfer of one table and waits for its first check: the time from submission to the check's end as
// the API shows it, and the check's own duration.
async Task<(long Rows, TimeSpan Elapsed, TimeSpan Check)> TransferAsync(string pattern, string table)
{
    var clock = Stopwatch.StartNew();
    using var created = await client.PostAsJsonAsync(
        $"/v1/shares/{shareId}/transfers",
        new { transferEntity = new[] { new { type = "table", name = table, sourceTable = source.Name, loadingPattern = pattern } }, options = new { transferNow = true } });
    created.EnsureSuccessStatusCode();
    var transferId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    while (true)
    {
        await Task.Delay(250);
        JsonElement transfer;
        try
        {
            transfer = await client.GetFromJsonAsync<JsonElement>($"/v1/shares/{shareId}/transfers/{transferId}");
        }
        catch (TaskCanceledException)
        {
            // A status read that times out on a saturated machine is retried; the clock keeps running.
            continue;
        }

        var status = transfer.GetProperty("status").GetString();
        if (status is ShareTransferStatus.Failed or ShareTransferStatus.Canceled or ShareTransferStatus.Superseded or ShareTransferStatus.Paused)
        {
            throw new InvalidOperationException($"Transfer {transferId} is {status}: {transfer}");
        }

        if (status == ShareTransferStatus.Synced && transfer.TryGetProperty("lastSync", out var last))
        {
            clock.Stop();
            if (transfer.GetProperty("errors").GetArrayLength() > 0)
            {
                throw new InvalidOperationException($"Transfer {transferId} reported errors: {transfer}");
            }

            return (
                last.GetProperty("rowsWritten").GetInt64(),
                clock.Elapsed,
                last.GetProperty("endedAt").GetDateTimeOffset() - last.GetProperty("startedAt").GetDateTimeOffset());
        }
    }
}

async Task RequireRowsAsync(string table)
{
    await using var count = dataSource.CreateCommand($"SELECT count(*) FROM {table}");
    var found = (long)(await count.ExecuteScalarAsync())!;
    if (found != rows)
    {
        throw new InvalidOperationException($"{table} holds {found:N0} rows, not {rows:N0}.");
    }
}

async Task ExecuteAsync(string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    await command.ExecuteNonQueryAsync();
}

// String, int, long, double, bool, date-time and GUID columns; a note of realistic length.
TableEntity Row(int i) => new($"p{i % 64:D2}", i.ToString("D8", CultureInfo.InvariantCulture))
{
    ["order_id"] = new Guid((uint)i, 0x5eed, 0x0001, 0, 0, 0, 0, 0, 0, 0, 1),
    ["customer"] = $"customer-{i % 9973:D5}",
    ["status"] = (i % 3) switch { 0 => "open", 1 => "paid", _ => "shipped" },
    ["note"] = "benchmark row with a little text to make it realistic, as an order's comment line would be",
    ["quantity"] = i % 17,
    ["sequence"] = 10_000_000_000L + i,
    ["amount"] = (i % 100_000) / 100.0,
    ["paid"] = i % 2 == 0,
    ["ordered_at"] = baseTime.AddSeconds(i),
};

void Report(string what, long count, TimeSpan elapsed, IReadOnlyDictionary<string, double>? cpu = null)
{
    var line = string.Create(
        CultureInfo.InvariantCulture,
        $"| {what} | {count:N0} | {elapsed.TotalSeconds:F1} | {count / elapsed.TotalSeconds:N0} | {(cpu is null ? "" : string.Join(", ", cpu.Select(c => $"{c.Key} {c.Value:F1}")))} |");
    results.Add(line);
    Console.WriteLine(line);
}
