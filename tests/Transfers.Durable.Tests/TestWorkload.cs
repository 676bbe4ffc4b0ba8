using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Transfers.Core.DurableTask;

namespace Transfers.Durable.Tests;

/// <summary>Orchestrations and activities the engine tests run.</summary>
internal static class TestWorkload
{
    /// <summary>Side effects of activities, by key, to tell how often each ran.</summary>
    public static ConcurrentDictionary<string, int> Runs { get; } = new();

    /// <summary>The host that last ran a step or an activity, by key.</summary>
    public static ConcurrentDictionary<string, string> RanBy { get; } = new();

    /// <summary>Per-instance switches read by orchestrations that must change between episodes.</summary>
    public static ConcurrentDictionary<string, string> Switches { get; } = new();

    public static IServiceCollection AddTestWorkload(this IServiceCollection services) => services.AddDurableTasks(r => r
        .AddOrchestrator<Sequence>()
        .AddOrchestrator<Replayed>()
        .AddOrchestrator<RetryingCall>()
        .AddOrchestrator<FanOut>()
        .AddOrchestrator<Sleeper>()
        .AddOrchestrator<EventWaiter>()
        .AddOrchestrator<EventAfterActivity>()
        .AddOrchestrator<CancelledWaiter>()
        .AddOrchestrator<ApprovalWithTimeout>()
        .AddOrchestrator<Eternal>()
        .AddOrchestrator<Hoarder>()
        .AddOrchestrator<Ticker>()
        .AddOrchestrator<CancelAndPeek>()
        .AddOrchestrator<Switching>()
        .AddOrchestrator<BigEcho>()
        .AddOrchestrator<Parent>()
        .AddOrchestrator<TaggedSequence>()
        .AddOrchestrator<Chatty>()
        .AddOrchestrator<HoldMany>()
        .AddOrchestrator<Holding>()
        .AddActivity<Echo>()
        .AddActivity<Count>()
        .AddActivity<Square>()
        .AddActivity<Flaky>()
        .AddActivity<Tagged>()
        .AddActivity<Hold>());
}

/// <summary>Names the engine host a test runs, for tests that tell which host did what.</summary>
/// <param name="Name">The host's name.</param>
internal sealed record HostTag(string Name);

/// <summary>Counts, per key, how many calls are inside at once, and the most there ever were.</summary>
internal static class Concurrency
{
    private static readonly ConcurrentDictionary<string, Gauge> s_gauges = new();

    public static int Max(string key) => s_gauges.TryGetValue(key, out var gauge) ? gauge.Max : 0;

    public static void Inside(string key, Action action)
    {
        var gauge = s_gauges.GetOrAdd(key, _ => new Gauge());
        gauge.Add(1);
        try
        {
            action();
        }
        finally
        {
            gauge.Add(-1);
        }
    }

    private sealed class Gauge
    {
        private readonly Lock _lock = new();
        private int _current;

        public int Max { get; private set; }

        public void Add(int delta)
        {
            lock (_lock)
            {
                _current += delta;
                Max = Math.Max(Max, _current);
            }
        }
    }
}

/// <summary>Calls Count five times in sequence and returns the sum of the results.</summary>
internal sealed class Sequence : Orchestrator<string, int>
{
    public override async Task<int> RunAsync(IOrchestrationContext context, string input)
    {
        var sum = 0;
        for (var i = 0; i < 5; i++)
        {
            sum += await context.CallActivityAsync<int>(nameof(Count), $"{context.InstanceId}/{i}");
        }

        return sum;
    }
}

/// <summary>Takes ids and times before and after an activity; replay must reproduce the first ones exactly.</summary>
internal sealed class Replayed : Orchestrator<string?, List<string>>
{
    public override async Task<List<string>> RunAsync(IOrchestrationContext context, string? input)
    {
        var first = context.NewGuid().ToString();
        var firstTime = context.CurrentUtcDateTime.ToString("O");
        var echoed = await context.CallActivityAsync<string>(nameof(Echo), $"{first}|{firstTime}");
        var second = context.NewGuid().ToString();
        var again = await context.CallActivityAsync<string>(nameof(Echo), second);
        return [first, firstTime, echoed, second, again, context.CurrentUtcDateTime.ToString("O")];
    }
}

/// <summary>Calls Flaky with a retry policy; the input is how many attempts fail.</summary>
internal sealed class RetryingCall : Orchestrator<int, string>
{
    public override async Task<string> RunAsync(IOrchestrationContext context, int input)
    {
        var retry = new RetryPolicy(3, TimeSpan.FromMilliseconds(300), backoffCoefficient: 2);
        return await context.CallActivityAsync<string>(nameof(Flaky), new FlakyInput(context.InstanceId, input), retry);
    }
}

/// <summary>Squares 0..n-1 in parallel and sums the squares.</summary>
internal sealed class FanOut : Orchestrator<int, long>
{
    public override async Task<long> RunAsync(IOrchestrationContext context, int input)
    {
        var tasks = Enumerable.Range(0, input).Select(i => context.CallActivityAsync<long>(nameof(Square), i)).ToList();
        var results = await Task.WhenAll(tasks);
        return results.Sum();
    }
}

/// <summary>Sleeps on a durable timer for the given number of milliseconds and returns the time it woke.</summary>
internal sealed class Sleeper : Orchestrator<int, DateTime>
{
    public override async Task<DateTime> RunAsync(IOrchestrationContext context, int input)
    {
        await context.CreateTimer(context.CurrentUtcDateTime.AddMilliseconds(input), CancellationToken.None);
        return context.CurrentUtcDateTime;
    }
}

/// <summary>Waits for the named event and returns its payload.</summary>
internal sealed class EventWaiter : Orchestrator<string, string>
{
    public override async Task<string> RunAsync(IOrchestrationContext context, string input) =>
        await context.WaitForExternalEvent<string>(input);
}

/// <summary>Runs an activity first, so that an event raised at once arrives before anyone waits.</summary>
internal sealed class EventAfterActivity : Orchestrator<string, string>
{
    public override async Task<string> RunAsync(IOrchestrationContext context, string input)
    {
        await context.CallActivityAsync<string>(nameof(Echo), "first");
        return await context.WaitForExternalEvent<string>(input);
    }
}

/// <summary>Waits for "x" with a token it cancels after a short timer, then waits for "x" again.</summary>
internal sealed class CancelledWaiter : Orchestrator<string?, string>
{
    public override async Task<string> RunAsync(IOrchestrationContext context, string? input)
    {
        using var cancel = new CancellationTokenSource();
        var wait = context.WaitForExternalEvent<string>("x", cancel.Token);
        var timer = context.CreateTimer(context.CurrentUtcDateTime.AddMilliseconds(200), CancellationToken.None);
        if (await Task.WhenAny(wait, timer) == timer)
        {
            cancel.Cancel(); // Synchronously: CancelAsync would run the callbacks off the orchestration thread.
        }

        context.SetCustomStatus("ready");
        var second = await context.WaitForExternalEvent<string>("x");
        return $"{wait.Status}:{second}";
    }
}

/// <summary>Waits for "approval" at most the given number of milliseconds.</summary>
internal sealed class ApprovalWithTimeout : Orchestrator<int, string>
{
    public override async Task<string> RunAsync(IOrchestrationContext context, int input)
    {
        using var cancel = new CancellationTokenSource();
        var timer = context.CreateTimer(context.CurrentUtcDateTime.AddMilliseconds(input), cancel.Token);
        var approval = context.WaitForExternalEvent<string>("approval");
        if (await Task.WhenAny(approval, timer) == approval)
        {
            cancel.Cancel(); // Synchronously: CancelAsync would run the callbacks off the orchestration thread.
            return $"approved:{approval.Result}";
        }

        return "timeout";
    }
}

/// <summary>Continues as new up to the target generation, then returns the "ping" payload that was carried along.</summary>
internal sealed class Eternal : Orchestrator<EternalInput, string>
{
    public override async Task<string> RunAsync(IOrchestrationContext context, EternalInput input)
    {
        if (input.Iteration % 50 == 0)
        {
            // Some generations write history, so that cleaning up old generations is exercised too.
            await context.CallActivityAsync<object>(nameof(Echo), input.Iteration);
        }

        if (input.Iteration < input.Target)
        {
            context.ContinueAsNew(input with { Iteration = input.Iteration + 1 });
            return string.Empty;
        }

        var ping = await context.WaitForExternalEvent<string>("ping");
        return $"{input.Iteration}:{ping}";
    }
}

internal sealed record EternalInput(int Iteration, int Target);

/// <summary>Lets "item" events pile up until "go", continues as new once, then reads the items in the order they come.</summary>
internal sealed class Hoarder : Orchestrator<HoarderInput, List<int>>
{
    public override async Task<List<int>> RunAsync(IOrchestrationContext context, HoarderInput input)
    {
        if (!input.Continued)
        {
            await context.WaitForExternalEvent<string>("go");
            context.ContinueAsNew(input with { Continued = true });
            return [];
        }

        var items = new List<int>();
        for (var i = 0; i < input.Items; i++)
        {
            items.Add(await context.WaitForExternalEvent<int>("item"));
        }

        return items;
    }
}

internal sealed record HoarderInput(int Items, bool Continued = false);

/// <summary>Cancels an event waiter by its token and reports whether its task was complete when Cancel returned.</summary>
internal sealed class CancelAndPeek : Orchestrator<string?, string>
{
    public override Task<string> RunAsync(IOrchestrationContext context, string? input)
    {
        using var waits = new CancellationTokenSource();
        var waiter = context.WaitForExternalEvent<string>("never", waits.Token);
        waits.Cancel();
        return Task.FromResult($"{waiter.IsCompleted}|{waiter.IsCanceled}");
    }
}

/// <summary>
/// Each generation waits for a "stop" event or a short timer, whichever comes first, cancels the other, and continues
/// as new, until the third generation: the loop of an automation that re-runs on an interval.
/// </summary>
internal sealed class Ticker : Orchestrator<int, int>
{
    public override async Task<int> RunAsync(IOrchestrationContext context, int input)
    {
        using var waits = new CancellationTokenSource();
        var stop = context.WaitForExternalEvent<string>("stop", waits.Token);
        var timer = context.CreateTimer(context.CurrentUtcDateTime.AddMilliseconds(200), waits.Token);
        await Task.WhenAny(timer, stop);
        waits.Cancel();
        if (stop.IsCompletedSuccessfully || input >= 3)
        {
            return input;
        }

        context.ContinueAsNew(input + 1);
        return 0;
    }
}

/// <summary>Calls the activity named by a switch the test flips between episodes: a non-deterministic orchestration.</summary>
internal sealed class Switching : Orchestrator<string?, string>
{
    public override async Task<string> RunAsync(IOrchestrationContext context, string? input)
    {
        var name = TestWorkload.Switches.GetValueOrDefault(context.InstanceId, nameof(Echo));
        await context.CallActivityAsync<object>(name, 1);
        return await context.WaitForExternalEvent<string>("go");
    }
}

/// <summary>Passes its input through an activity and returns it.</summary>
internal sealed class BigEcho : Orchestrator<string, string>
{
    public override async Task<string> RunAsync(IOrchestrationContext context, string input) =>
        await context.CallActivityAsync<string>(nameof(Echo), input);
}

/// <summary>Runs Sequence as a sub-orchestration and adds one.</summary>
internal sealed class Parent : Orchestrator<string?, int>
{
    public override async Task<int> RunAsync(IOrchestrationContext context, string? input) =>
        await context.CallSubOrchestratorAsync<int>(nameof(Sequence), "child") + 1;
}

/// <summary>Like Sequence, but each step (not replay) and each activity records the host that ran it in <see cref="TestWorkload.RanBy"/>.</summary>
internal sealed class TaggedSequence(HostTag host) : Orchestrator<string, int>
{
    public override async Task<int> RunAsync(IOrchestrationContext context, string input)
    {
        var sum = 0;
        for (var i = 0; i < 5; i++)
        {
            if (!context.IsReplaying)
            {
                TestWorkload.RanBy[$"{context.InstanceId}/step{i}"] = host.Name;
            }

            sum += await context.CallActivityAsync<int>(nameof(Tagged), $"{context.InstanceId}/{i}");
        }

        return sum;
    }
}

/// <summary>Logs through a replay-safe logger before each of three activities and at the end.</summary>
internal sealed partial class Chatty : Orchestrator<string?, string>
{
    public override async Task<string> RunAsync(IOrchestrationContext context, string? input)
    {
        var logger = context.CreateReplaySafeLogger(nameof(Chatty));
        for (var i = 0; i < 3; i++)
        {
            Calls(logger, context.InstanceId, i);
            await context.CallActivityAsync<object>(nameof(Echo), i);
        }

        Done(logger, context.InstanceId);
        return "done";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{InstanceId} calls {Call}")]
    private static partial void Calls(ILogger logger, string instanceId, int call);

    [LoggerMessage(Level = LogLevel.Information, Message = "{InstanceId} is done")]
    private static partial void Done(ILogger logger, string instanceId);
}

/// <summary>Runs <see cref="HoldInput.Count"/> Hold activities at once.</summary>
internal sealed class HoldMany : Orchestrator<HoldInput, int>
{
    public override async Task<int> RunAsync(IOrchestrationContext context, HoldInput input)
    {
        await Task.WhenAll(Enumerable.Range(0, input.Count).Select(_ => context.CallActivityAsync<object>(nameof(Hold), input.Key)));
        return input.Count;
    }
}

/// <summary>Holds its step's thread in each episode it runs (not replays), under <see cref="Concurrency"/>, twice.</summary>
internal sealed class Holding : Orchestrator<HoldInput, int>
{
    public override async Task<int> RunAsync(IOrchestrationContext context, HoldInput input)
    {
        for (var i = 0; i < 2; i++)
        {
            if (!context.IsReplaying)
            {
                Concurrency.Inside(input.Key, () => Thread.Sleep(100));
            }

            await context.CallActivityAsync<object>(nameof(Echo), i);
        }

        return 2;
    }
}

internal sealed record HoldInput(string Key, int Count);

internal sealed class Echo : Activity<object?, object?>
{
    public override Task<object?> RunAsync(ActivityContext context, object? input, CancellationToken cancellationToken = default) => Task.FromResult(input);
}

/// <summary>Counts its runs per key and returns 1.</summary>
internal sealed class Count : Activity<string, int>
{
    public override Task<int> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default)
    {
        TestWorkload.Runs.AddOrUpdate(input, 1, (_, n) => n + 1);
        return Task.FromResult(1);
    }
}

/// <summary>Counts its runs per key in <see cref="TestWorkload.Runs"/>, records its host in <see cref="TestWorkload.RanBy"/> and returns 1.</summary>
internal sealed class Tagged(HostTag host) : Activity<string, int>
{
    public override Task<int> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default)
    {
        TestWorkload.Runs.AddOrUpdate(input, 1, (_, n) => n + 1);
        TestWorkload.RanBy[input] = host.Name;
        return Task.FromResult(1);
    }
}

/// <summary>Stays inside <see cref="Concurrency"/> under its key for 200 ms.</summary>
internal sealed class Hold : Activity<string, object?>
{
    public override Task<object?> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default)
    {
        Concurrency.Inside(input, () => Thread.Sleep(200));
        return Task.FromResult<object?>(null);
    }
}

internal sealed class Square : Activity<long, long>
{
    public override Task<long> RunAsync(ActivityContext context, long input, CancellationToken cancellationToken = default) => Task.FromResult(input * input);
}

internal sealed record FlakyInput(string Key, int Failures);

/// <summary>Fails the first <see cref="FlakyInput.Failures"/> attempts per key, recording when each attempt ran.</summary>
internal sealed class Flaky : Activity<FlakyInput, string>
{
    public static ConcurrentDictionary<string, ConcurrentQueue<DateTime>> Attempts { get; } = new();

    public override Task<string> RunAsync(ActivityContext context, FlakyInput input, CancellationToken cancellationToken = default)
    {
        var attempts = Attempts.GetOrAdd(input.Key, _ => new ConcurrentQueue<DateTime>());
        attempts.Enqueue(DateTime.UtcNow);
        return attempts.Count <= input.Failures
            ? throw new InvalidOperationException($"attempt {attempts.Count} fails")
            : Task.FromResult($"ok after {attempts.Count}");
    }
}
