using System.Diagnostics;
using Transfers.Core.DurableTask;
using Transfers.Durable.CrashHost;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

public sealed class CrashTests
{
    [Fact]
    public async Task KilledHost_NewProcessOnSameHub_CompletesEveryInstanceOnce()
    {
        // Arrange: a client-only host in this process, and the engine in a separate one.
        var hub = Azurite.UniqueName("crash");
        await using var client = await EngineHost.StartAsync(hub, start: false, services: s => s.AddCrashWorkload());
        using var first = await StartHostProcessAsync(hub);
        var prefix = Azurite.UniqueName("c");
        var ids = Enumerable.Range(0, 200).Select(i => $"{prefix}-{i}").ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, token) =>
            await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CrashOrchestration), ids.IndexOf(id), new StartOrchestrationOptions(id), token));

        // Act: kill the engine mid-run, then start another process on the same hub.
        Process? second = null;
        int completedAtKill;
        try
        {
            await Eventually.MatchAsync(() => CountCompletedAsync(client, prefix), n => n >= 10, TimeSpan.FromSeconds(120));
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            completedAtKill = await CountCompletedAsync(client, prefix);
            second = await StartHostProcessAsync(hub);
            await Eventually.MatchAsync(() => CountCompletedAsync(client, prefix), n => n == ids.Count, TimeSpan.FromSeconds(180));
        }
        finally
        {
            // A failed wait must not leave an engine process running after the test.
            first.Kill(entireProcessTree: true);
            second?.Kill(entireProcessTree: true);
            second?.Dispose();
        }

        // Assert
        Assert.True(completedAtKill < ids.Count, "the kill came after all instances had completed");
        for (var i = 0; i < ids.Count; i++)
        {
            var instance = await client.Client.GetInstanceAsync(ids[i], getInputsAndOutputs: true);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, instance!.RuntimeStatus);
            Assert.Equal(CrashWorkload.ExpectedOutput(i), instance.ReadOutputAs<int>());
            await client.AssertNoDuplicateHistoryAsync(ids[i]);
        }
    }

    private static async Task<int> CountCompletedAsync(EngineHost host, string prefix)
    {
        var count = 0;
        string? token = null;
        do
        {
            var page = await host.Client.QueryInstancesAsync(new OrchestrationQuery
            {
                InstanceIdPrefix = prefix,
                Statuses = [OrchestrationRuntimeStatus.Completed],
                PageSize = 1000,
                ContinuationToken = token,
            });
            count += page.Instances.Count;
            token = page.ContinuationToken;
        }
        while (token is not null);
        return count;
    }

    private static async Task<Process> StartHostProcessAsync(string hub)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashOrchestration).Assembly.Location);
        start.ArgumentList.Add(hub);
        start.ArgumentList.Add(Azurite.ConnectionString);
        var process = Process.Start(start)!;
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("ready", ready);
        return process;
    }
}
