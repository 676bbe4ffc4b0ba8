using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;

namespace Transfers.Durable.CrashHost;

/// <summary>The crash test's workload: ten sequential activities per instance.</summary>
public static class CrashWorkload
{
    /// <summary>The number of activities per instance.</summary>
    public const int Steps = 10;

    /// <summary>The output an instance with input <paramref name="seed"/> must produce.</summary>
    public static int ExpectedOutput(int seed) => Enumerable.Range(0, Steps).Sum(i => seed + i);

    /// <summary>Registers the workload.</summary>
    public static IServiceCollection AddCrashWorkload(this IServiceCollection services) =>
        services.AddDurableTasks(r => r.AddOrchestrator<CrashOrchestration>().AddActivity<CrashStep>());
}

/// <summary>Ten sequential activities.</summary>
public sealed class CrashOrchestration : Orchestrator<int, int>
{
    /// <inheritdoc/>
    public override async Task<int> RunAsync(IOrchestrationContext context, int input)
    {
        var sum = 0;
        for (var i = 0; i < CrashWorkload.Steps; i++)
        {
            sum += await context.CallActivityAsync<int>(nameof(CrashStep), new[] { input, i });
        }

        return sum;
    }
}

/// <summary>Adds its two inputs after a short pause, so that a kill finds activities in flight.</summary>
public sealed class CrashStep : Activity<int[], int>
{
    private static int s_runs;

    /// <summary>Gets how many steps this process has run.</summary>
    public static int Runs => Volatile.Read(ref s_runs);

    /// <inheritdoc/>
    public override async Task<int> RunAsync(ActivityContext context, int[] input, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref s_runs);
        await Task.Delay(Random.Shared.Next(5, 30), cancellationToken);
        return input[0] + input[1];
    }
}
