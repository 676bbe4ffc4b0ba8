using Transfers.Core.DurableTask;

namespace Transfers.Durable.Bench;

/// <summary>Five sequential activities, as in Durable Functions' HelloCities5 sample.</summary>
internal sealed class HelloCities5 : Orchestrator<string?, string>
{
    private static readonly string[] Cities = ["Tokyo", "Seattle", "London", "Cairo", "Lima"];

    public override async Task<string> RunAsync(IOrchestrationContext context, string? input)
    {
        var greetings = new List<string>();
        foreach (var city in Cities)
        {
            greetings.Add(await context.CallActivityAsync<string>(nameof(SayHello), city));
        }

        return string.Join(' ', greetings);
    }
}

/// <summary>Fans out to n activities and sums their results.</summary>
internal sealed class FanOutFanIn : Orchestrator<int, long>
{
    public override async Task<long> RunAsync(IOrchestrationContext context, int input)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, input).Select(i => context.CallActivityAsync<long>(nameof(Twice), i)));
        return results.Sum();
    }
}

/// <summary>Waits for one external event.</summary>
internal sealed class WaitForSignal : Orchestrator<string?, string>
{
    public override Task<string> RunAsync(IOrchestrationContext context, string? input) => context.WaitForExternalEvent<string>("signal");
}

/// <summary>One activity.</summary>
internal sealed class OneActivity : Orchestrator<string?, string>
{
    public override Task<string> RunAsync(IOrchestrationContext context, string? input) => context.CallActivityAsync<string>(nameof(SayHello), "latency");
}

internal sealed class SayHello : Activity<string, string>
{
    public override Task<string> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default) => Task.FromResult($"Hello {input}!");
}

internal sealed class Twice : Activity<long, long>
{
    public override Task<long> RunAsync(ActivityContext context, long input, CancellationToken cancellationToken = default) => Task.FromResult(2 * input);
}
