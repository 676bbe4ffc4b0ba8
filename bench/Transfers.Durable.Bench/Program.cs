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
using Transfers.DurableTask.AzureStorage;

// Usage: dotnet run -c Release --project bench/Transfers.Durable.Bench [-- --in-memory] [--out file.md] [--backend Embedded|AzureStorage]
// Runs every scenario on both durable backends (or the one named), on one Azurite: TRANSFERS_TEST_STORAGE when set,
// else a fresh one started from the repository's node_modules, storing on disk as ./run.sh does, or in memory with
// --in-memory. Writes bench/results/durable.md, or the file named by --out. Backend settings can be tried from the
// environment, e.g. Transfers__Durable__AzureStorage__MaxQueuePollingInterval=00:00:00.100.
var root = FindRepositoryRoot();
var inMemory = args.Contains("--in-memory");
var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.Combine(root, "bench", "results", "durable.md");
var only = args.SkipWhile(a => a != "--backend").Skip(1).FirstOrDefault();
var external = Environment.GetEnvironmentVariable("TRANSFERS_TEST_STORAGE");
using var azurite = string.IsNullOrEmpty(external) ? await LocalAzurite.StartAsync(root, inMemory) : null;
var connection = azurite?.ConnectionString ?? external!;
var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

// Durable Task on Azure Storage is an order of magnitude slower on Azurite: it runs smaller batches of the same
// scenarios, which the rates make comparable.
Backend[] backends = [new("Embedded", 500, 2000, 1000, 200), new("AzureStorage", 200, 500, 200, 50)];
backends = [.. backends.Where(b => only is null || string.Equals(b.Name, only, StringComparison.OrdinalIgnoreCase))];

Line("# Durable engine benchmark");
Line(string.Empty);
Line(string.Create(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, against {(azurite is null ? "the Azurite named by TRANSFERS_TEST_STORAGE" : $"a fresh Azurite 3.37 started by the benchmark, storing {(inMemory ? "in memory" : "on disk")}")}; one process and a fresh task hub per scenario (warmed up with 20 orchestrations); settings: {Settings()}."));
Line(string.Empty);
var loadBefore = LoadAverage();

var (singles, batches) = await RawStorageAsync(connection);
var measured = new Dictionary<string, Figures>();
foreach (var backend in backends)
{
    measured[backend.Name] = await MeasureAsync(backend);
}

Line($"| scenario | {string.Join(" | ", backends.Select(b => b.Name == "Embedded" ? "embedded engine" : "Durable Task on Azure Storage"))} | target (embedded) | Durable Functions (Azure Storage, published) |");
Line($"|---|{string.Concat(backends.Select(_ => "---|"))}---|---|");
Line(Row("(a) HelloCities5 (5 sequential activities)", backends.Select(b => $"{b.Sequences / measured[b.Name].Sequence.TotalSeconds:F1} orchestrations/s, {5 * b.Sequences / measured[b.Name].Sequence.TotalSeconds:F0} activities/s ({b.Sequences})"), "≥ 60 orchestrations/s", "32–48 HelloCities5 orchestrations/s on one node; 5 sequential activities/s per instance"));
Line(Row("(b) 1 orchestration fanning out", backends.Select(b => $"{b.FanOut / measured[b.Name].Fan.TotalSeconds:F0} activities/s ({b.FanOut} in {measured[b.Name].Fan.TotalSeconds:F1} s)"), "≥ 500 activities/s", "100 fan-out activities/s per instance"));
Line(Row("(c) external events to waiting instances", backends.Select(b => $"{b.Events / measured[b.Name].Events.TotalSeconds:F0} events/s ({b.Events})"), "≥ 250 events/s", "50 external events/s per instance"));
Line(Row("(d) end-to-end latency, 1-activity orchestration", backends.Select(b => $"p50 {measured[b.Name].P50:F0} ms, p99 {measured[b.Name].P99:F0} ms ({b.Latencies} runs)"), "p50 ≤ 100 ms", "—"));
Line(Row("raw storage: single upserts, 16 callers", backends.Select((_, i) => i == 0 ? $"{singles:F0} entities/s" : "(same Azurite)"), "—", "—"));
Line(Row("raw storage: 100-entity batch upserts, 16 callers", backends.Select((_, i) => i == 0 ? $"{batches:F0} entities/s" : "(same Azurite)"), "—", "—"));
Line(string.Empty);
Line("(a) schedules all at once (32 callers) and times until the last completes; (b) times one instance from schedule to completion;");
Line("(c) starts the instances that wait for an event, waits until all are running, then raises one event each (32 callers) and times until the last instance completes;");
Line("(d) schedules one instance at a time and waits for it. Completion is observed as the embedded engine's clients do (its completion wait), and on Durable Task by");
Line("polling the instance (every 10 ms; a prefix query every 100 ms for many), because its completion wait polls storage every 2 s. Durable Functions figures are those published for its Azure Storage provider.");
Line(string.Empty);
Line($"Machine load average (1/5/15 min) at the start: {loadBefore}; at the end: {LoadAverage()}. The raw-storage rows show what Azurite managed in the same run:");
Line("compare the engines' figures with them rather than with figures measured on an idle machine.");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, report.ToString());
return;

async Task<Figures> MeasureAsync(Backend backend)
{
    // Each scenario runs on its own task hub, started warm: Azurite's cost per request grows with the rows a table
    // holds, which Azure Storage's does not, so a scenario must not pay for the rows of the ones before it.
    var sequence = await OnFreshHubAsync(backend, client => RunManyAsync(backend, client, nameof(HelloCities5), backend.Sequences, "seq"));
    var fan = await OnFreshHubAsync(backend, async client =>
    {
        var watch = Stopwatch.StartNew();
        var fanId = await client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOutFanIn), backend.FanOut);
        var fanResult = await CompleteAsync(backend, client, fanId);
        if (fanResult.ReadOutputAs<long>() != Enumerable.Range(0, backend.FanOut).Sum(i => 2L * i))
        {
            throw new InvalidOperationException("The fan-out returned a wrong sum.");
        }

        return watch.Elapsed;
    });
    var events = await OnFreshHubAsync(backend, client => EventsAsync(backend, client, backend.Events));
    var latencies = new List<double>();
    await OnFreshHubAsync(backend, async client =>
    {
        for (var i = 0; i < backend.Latencies; i++)
        {
            var watch = Stopwatch.StartNew();
            var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(OneActivity));
            await CompleteAsync(backend, client, id);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        return TimeSpan.Zero;
    });

    latencies.Sort();
    double Percentile(double p) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p * latencies.Count) - 1)];
    return new Figures(sequence, fan, events, Percentile(0.5), Percentile(0.99));
}

async Task<TimeSpan> OnFreshHubAsync(Backend backend, Func<IDurableClient, Task<TimeSpan>> scenario)
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
    if (backend.Name == "AzureStorage")
    {
        builder.Services.AddDurableTaskAzureStorage(builder.Configuration);
    }
    else
    {
        builder.Services.AddDurableEngine(builder.Configuration);
    }

    using var host = builder.Build();
    await host.StartAsync();
    var client = host.Services.GetRequiredService<IDurableClient>();

    // Warm-up: JIT, connections, tables.
    await RunManyAsync(backend, client, nameof(HelloCities5), 20, "warm");
    var elapsed = await scenario(client);
    await host.StopAsync();
    return elapsed;
}

string Settings() =>
    string.Join(", ", Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("Transfers__Durable__", StringComparison.Ordinal)).Order()
        .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}").DefaultIfEmpty("the backends' defaults (embedded: 4 partitions, 64 activities and 16 orchestrations at once; Durable Task: 4 partitions, 64 and 64, queue polling up to 1 s)"));

static string Row(string scenario, IEnumerable<string> measured, string target, string reference) => $"| {scenario} | {string.Join(" | ", measured)} | {target} | {reference} |";

static async Task<TimeSpan> RunManyAsync(Backend backend, IDurableClient client, string name, int count, string prefix)
{
    var watch = Stopwatch.StartNew();
    var run = Guid.NewGuid().ToString("N")[..8];
    var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{run}-{i}").ToList();
    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, token) =>
        await client.ScheduleNewOrchestrationInstanceAsync(name, null, new StartOrchestrationOptions(id), token));
    await CompleteAllAsync(backend, client, ids, $"{prefix}-{run}-");
    return watch.Elapsed;
}

// The embedded engine's completion wait returns as soon as the instance finishes; Durable Task's polls storage every
// 2 s, so there the bench polls the instance itself.
static async Task<OrchestrationMetadata> CompleteAsync(Backend backend, IDurableClient client, string id)
{
    if (backend.Name != "AzureStorage")
    {
        return await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
    }

    while (true)
    {
        if (await client.GetInstanceAsync(id, getInputsAndOutputs: true) is { IsCompleted: true } done)
        {
            return done;
        }

        await Task.Delay(10);
    }
}

static async Task CompleteAllAsync(Backend backend, IDurableClient client, List<string> ids, string prefix)
{
    if (backend.Name != "AzureStorage")
    {
        await Task.WhenAll(ids.Select(id => client.WaitForInstanceCompletionAsync(id)));
        return;
    }

    while (true)
    {
        var page = await client.QueryInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, Statuses = [OrchestrationRuntimeStatus.Completed], PageSize = 1000 });
        if (page.Instances.Count >= ids.Count)
        {
            return;
        }

        await Task.Delay(100);
    }
}

static async Task<TimeSpan> EventsAsync(Backend backend, IDurableClient client, int count)
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
    await CompleteAllAsync(backend, client, ids, $"ev-{run}-");
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

/// <summary>A backend and the sizes of its scenarios.</summary>
internal sealed record Backend(string Name, int Sequences, int FanOut, int Events, int Latencies);

/// <summary>What one backend measured.</summary>
internal sealed record Figures(TimeSpan Sequence, TimeSpan Fan, TimeSpan Events, double P50, double P99);
