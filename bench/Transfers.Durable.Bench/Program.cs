using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transfers.Core.DurableTask;
using Transfers.Durable;
using Transfers.Durable.Bench;

// Usage: dotnet run -c Release --project bench/Transfers.Durable.Bench [-- --in-memory] [--out file.md]
// Uses TRANSFERS_TEST_STORAGE when set, else starts a fresh Azurite from the repository's node_modules, storing on
// disk as ./run.sh does, or in memory with --in-memory. Writes bench/results/durable.md, or the file named by --out.
var root = FindRepositoryRoot();
var inMemory = args.Contains("--in-memory");
var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(root, "bench", "results", "durable.md");
var external = Environment.GetEnvironmentVariable("TRANSFERS_TEST_STORAGE");
using var azurite = string.IsNullOrEmpty(external) ? await LocalAzurite.StartAsync(root, inMemory) : null;
var connection = azurite?.ConnectionString ?? external!;
var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

Line("# Durable engine benchmark");
Line(string.Empty);
Line(string.Create(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, against {(azurite is null ? "the Azurite named by TRANSFERS_TEST_STORAGE" : $"a fresh Azurite 3.37 started by the benchmark, storing {(inMemory ? "in memory" : "on disk")}")}; one engine process and a fresh task hub per scenario (warmed up with 20 orchestrations), default options (4 partitions, 64 activities and 16 orchestrations at once)."));
Line(string.Empty);
var loadBefore = LoadAverage();

var (singles, batches) = await RawStorageAsync(connection);

// Each scenario runs on its own task hub, started warm: Azurite's cost per request grows with the rows a table holds,
// which Azure Storage's does not, so a scenario must not pay for the rows of the ones before it.
var sequence = await OnFreshHubAsync(client => RunManyAsync(client, nameof(HelloCities5), 500, "seq"));
var fan = await OnFreshHubAsync(async client =>
{
    var watch = Stopwatch.StartNew();
    var fanId = await client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOutFanIn), 2000);
    var fanResult = await client.WaitForInstanceCompletionAsync(fanId, true);
    if (fanResult.ReadOutputAs<long>() != Enumerable.Range(0, 2000).Sum(i => 2L * i))
    {
        throw new InvalidOperationException("The fan-out returned a wrong sum.");
    }

    return watch.Elapsed;
});
var events = await OnFreshHubAsync(client => EventsAsync(client, 1000));
var latencies = new List<double>();
await OnFreshHubAsync(async client =>
{
    for (var i = 0; i < 200; i++)
    {
        var watch = Stopwatch.StartNew();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(OneActivity));
        await client.WaitForInstanceCompletionAsync(id);
        latencies.Add(watch.Elapsed.TotalMilliseconds);
    }

    return TimeSpan.Zero;
});

latencies.Sort();
double Percentile(double p) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p * latencies.Count) - 1)];

Line("| scenario | measured | target | Durable Functions (Azure Storage, published) |");
Line("|---|---|---|---|");
Line(Row("(a) 500 × HelloCities5 (5 sequential activities)", $"{500 / sequence.TotalSeconds:F0} orchestrations/s, {2500 / sequence.TotalSeconds:F0} activities/s", "≥ 60 orchestrations/s", "32–48 HelloCities5 orchestrations/s on one node; 5 sequential activities/s per instance"));
Line(Row("(b) 1 orchestration fanning out to 2,000 activities", $"{2000 / fan.TotalSeconds:F0} activities/s ({fan.TotalSeconds:F1} s)", "≥ 500 activities/s", "100 fan-out activities/s per instance"));
Line(Row("(c) 1,000 external events to 1,000 waiting instances", $"{1000 / events.TotalSeconds:F0} events/s", "≥ 250 events/s", "50 external events/s per instance"));
Line(Row("(d) end-to-end latency, 1-activity orchestration, 200 runs", $"p50 {Percentile(0.5):F0} ms, p99 {Percentile(0.99):F0} ms", "p50 ≤ 100 ms", "—"));
Line(Row("raw storage: single upserts, 16 callers", $"{singles:F0} entities/s", "—", "—"));
Line(Row("raw storage: 100-entity batch upserts, 16 callers", $"{batches:F0} entities/s", "—", "—"));
Line(string.Empty);
Line("(a) schedules all 500 at once (32 callers) and times until the last completes; (b) times one instance from schedule to completion;");
Line("(c) starts 1,000 instances that wait for an event, waits until all are running, then raises the 1,000 events (32 callers) and times until the last instance completes;");
Line("(d) schedules one instance at a time and waits for it. Durable Functions figures are those published for its Azure Storage provider.");
Line(string.Empty);
Line($"Machine load average (1/5/15 min) at the start: {loadBefore}; at the end: {LoadAverage()}. The raw-storage rows show what Azurite managed in the same run:");
Line("compare the engine's figures with them rather than with figures measured on an idle machine.");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, report.ToString());
return;

async Task<TimeSpan> OnFreshHubAsync(Func<IDurableClient, Task<TimeSpan>> scenario)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = connection,
        ["Transfers:Durable:HubName"] = "bench" + Guid.NewGuid().ToString("N")[..12],
    });

    // Engine settings can be tried from the environment, e.g. Transfers__Durable__MaxConcurrentOrchestrations=64.
    builder.Configuration.AddEnvironmentVariables();
    builder.Services.AddDurableTasks(r => r
        .AddOrchestrator<HelloCities5>().AddOrchestrator<FanOutFanIn>().AddOrchestrator<WaitForSignal>().AddOrchestrator<OneActivity>()
        .AddActivity<SayHello>().AddActivity<Twice>());
    builder.Services.AddDurableEngine(builder.Configuration);
    using var host = builder.Build();
    await host.StartAsync();
    var client = host.Services.GetRequiredService<IDurableClient>();

    // Warm-up: JIT, connections, tables.
    await RunManyAsync(client, nameof(HelloCities5), 20, "warm");
    var elapsed = await scenario(client);
    await host.StopAsync();
    return elapsed;
}

static string Row(string scenario, string measured, string target, string reference) => $"| {scenario} | {measured} | {target} | {reference} |";

static async Task<TimeSpan> RunManyAsync(IDurableClient client, string name, int count, string prefix)
{
    var watch = Stopwatch.StartNew();
    var run = Guid.NewGuid().ToString("N")[..8];
    var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{run}-{i}").ToList();
    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, token) =>
        await client.ScheduleNewOrchestrationInstanceAsync(name, null, new StartOrchestrationOptions(id), token));
    await Task.WhenAll(ids.Select(id => client.WaitForInstanceCompletionAsync(id)));
    return watch.Elapsed;
}

static async Task<TimeSpan> EventsAsync(IDurableClient client, int count)
{
    var run = Guid.NewGuid().ToString("N")[..8];
    var ids = Enumerable.Range(0, count).Select(i => $"ev-{run}-{i}").ToList();
    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, token) =>
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForSignal), null, new StartOrchestrationOptions(id), token));
    foreach (var id in ids)
    {
        while ((await client.GetInstanceAsync(id))?.RuntimeStatus != OrchestrationRuntimeStatus.Running)
        {
            await Task.Delay(50);
        }
    }

    var watch = Stopwatch.StartNew();
    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, token) =>
        await client.RaiseEventAsync(id, "signal", "go", token));
    await Task.WhenAll(ids.Select(id => client.WaitForInstanceCompletionAsync(id)));
    return watch.Elapsed;
}

static async Task<(double Singles, double Batches)> RawStorageAsync(string connection)
{
    var table = new TableServiceClient(connection).GetTableClient("raw" + Guid.NewGuid().ToString("N")[..12]);
    await table.CreateIfNotExistsAsync();
    var payload = new string('x', 200);
    var duration = TimeSpan.FromSeconds(5);
    long singles = 0, batches = 0;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, 16).Select(async worker =>
    {
        for (var i = 0; watch.Elapsed < duration; i++)
        {
            await table.UpsertEntityAsync(new TableEntity($"s{worker}", $"{i}") { ["Data"] = payload });
            Interlocked.Increment(ref singles);
        }
    }));
    var singleRate = singles / watch.Elapsed.TotalSeconds;
    watch.Restart();
    await Task.WhenAll(Enumerable.Range(0, 16).Select(async worker =>
    {
        for (var i = 0; watch.Elapsed < duration; i++)
        {
            var actions = Enumerable.Range(0, 100).Select(j => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity($"b{worker}-{i}", $"{j}") { ["Data"] = payload }));
            await table.SubmitTransactionAsync(actions);
            Interlocked.Add(ref batches, 100);
        }
    }));
    var batchRate = batches / watch.Elapsed.TotalSeconds;
    await table.DeleteAsync();
    return (singleRate, batchRate);
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Transfers.Functions.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
