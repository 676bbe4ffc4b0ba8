using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;

// Measuring helpers the Exports and Warehouse benches compile in (see their .csproj): load average, CPU per process,
// peak RSS, command-line arguments and the seeding batches.

/// <summary>The bench's command-line options, <c>--name value</c>.</summary>
internal static class BenchArgs
{
    public static string? Text(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

    public static int Int(string[] args, string name, int fallback) =>
        Text(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public static bool Flag(string[] args, string name) => args.Contains(name, StringComparer.Ordinal);
}

/// <summary>Rows to seed as 100-entity batches of one partition each, the raw batch write every table bench starts with.</summary>
internal static class SeedBatches
{
    /// <summary>Rows 0..count-1 spread over <paramref name="partitions"/> partitions (row i in partition i % partitions), partition after partition.</summary>
    public static IEnumerable<List<TableTransactionAction>> Of(int count, int partitions, Func<int, TableEntity> row)
    {
        for (var p = 0; p < partitions; p++)
        {
            var batch = new List<TableTransactionAction>(100);
            for (var i = p; i < count; i += partitions)
            {
                batch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row(i)));
                if (batch.Count == 100)
                {
                    yield return batch;
                    batch = new List<TableTransactionAction>(100);
                }
            }

            if (batch.Count > 0)
            {
                yield return batch;
            }
        }
    }
}

/// <summary>Peak resident memory of a process, from /proc.</summary>
internal static class PeakRss
{
    public static double Mb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    // Writing 5 to clear_refs resets the kernel's peak-RSS mark, so the next reading covers only what ran since.
    public static void Reset(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");
}

/// <summary>Samples the 1-minute load average every 5 seconds, for the conditions of the run.</summary>
internal sealed class LoadSampler : IDisposable
{
    private readonly List<double> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoadSampler() => _loop = LoopAsync();

    public string Stop()
    {
        _stop.Cancel();
        _loop.ContinueWith(static _ => { }, TaskScheduler.Default).Wait();
        return _samples.Count == 0 ? "n/a" : string.Create(
            CultureInfo.InvariantCulture,
            $"min {_samples.Min():F2}, mean {_samples.Average():F2}, max {_samples.Max():F2} ({_samples.Count} samples every 5 s)");
    }

    public void Dispose() => _stop.Dispose();

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var text = await File.ReadAllTextAsync("/proc/loadavg");
            _samples.Add(double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture));
            await Task.Delay(TimeSpan.FromSeconds(5), _stop.Token);
        }
    }
}

/// <summary>
/// Prints the CPU seconds each named process used over a phase (the bench or the host, Azurite, PostgreSQL): who the
/// bottleneck is. A process measured with its children (PostgreSQL's server, whose work runs in one child process per
/// connection) counts its live children and those it has reaped.
/// </summary>
internal sealed class CpuMeter : IDisposable
{
    private readonly string _phase;
    private readonly (string Name, int? Pid, bool Children)[] _processes;
    private readonly double[] _start;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public CpuMeter(string phase, params (string Name, int? Pid, bool Children)[] processes)
    {
        (_phase, _processes) = (phase, processes);
        _start = [.. processes.Select(p => Seconds(p.Pid, p.Children))];
    }

    /// <summary>Gets the CPU seconds each process used so far in this phase, by name.</summary>
    public IReadOnlyDictionary<string, double> Used =>
        _processes.Select((p, i) => (p.Name, Seconds: Seconds(p.Pid, p.Children) - _start[i])).ToDictionary(p => p.Name, p => p.Seconds);

    public void Dispose() => Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"  CPU over {_phase} ({_clock.Elapsed.TotalSeconds:F1} s wall): {string.Join(", ", Used.Select(u => $"{u.Key} {u.Value:F1} s"))}"));

    private static double Seconds(int? pid, bool children)
    {
        if (pid is not { } id)
        {
            return double.NaN;
        }

        var own = Ticks(id);
        var total = own.Self + (children ? own.Reaped : 0);
        if (children)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var child) && child != id && Ticks(child) is { Parent: var parent } ticks && parent == id)
                {
                    total += ticks.Self + ticks.Reaped;
                }
            }
        }

        return total / 100.0;
    }

    /// <summary>A process's parent, its own utime + stime and its reaped children's, in clock ticks of 1/100 s; zeros once it is gone.</summary>
    private static (int Parent, long Self, long Reaped) Ticks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return (0, 0, 0);
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return ((int)Field(1), Field(11) + Field(12), Field(13) + Field(14));
    }
}
