using System.Diagnostics;
using Azure.Data.Tables;
using Transfers.Core.DurableTask;
using Transfers.Durable.CrashHost;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

[Collection(ProcessTestCollection.Name)]
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

    [Fact]
    public async Task AzureStorage_TwoProcessesOneKilled_SplitTheWorkAndTheSurvivorCompletesEveryInstanceOnce()
    {
        // Arrange: Durable Task's engine in this process and in a separate one, on one hub of two partitions.
        var hub = Azurite.UniqueName("dtcrash");
        using var other = await StartHostProcessAsync(hub, "AzureStorage");
        await using var host = await EngineHost.StartAsync(hub, services: s => s.AddCrashWorkload(), backend: TestBackend.AzureStorage);
        await Eventually.MatchAsync(() => PartitionOwnersAsync(hub), owners => owners == 2, TimeSpan.FromSeconds(120));
        var prefix = Azurite.UniqueName("c");
        var ids = Enumerable.Range(0, 200).Select(i => $"{prefix}-{i}").ToList();
        var runsBefore = CrashStep.Runs;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, token) =>
            await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CrashOrchestration), ids.IndexOf(id), new StartOrchestrationOptions(id), token));

        // Act: once both processes have run steps, kill the other one; this one takes its partitions when their leases
        // expire and finishes everything.
        int completedAtKill;
        int ranHereAtKill;
        try
        {
            await Eventually.MatchAsync(() => CountCompletedAsync(host, prefix), n => n >= 20, TimeSpan.FromSeconds(180));
            ranHereAtKill = CrashStep.Runs - runsBefore;
            other.Kill(entireProcessTree: true);
            await other.WaitForExitAsync();
            completedAtKill = await CountCompletedAsync(host, prefix);
            await Eventually.MatchAsync(() => CountCompletedAsync(host, prefix), n => n == ids.Count, TimeSpan.FromSeconds(300));
        }
        finally
        {
            other.Kill(entireProcessTree: true);
        }

        // Assert: both processes ran steps (every step ran at least once, and this process ran fewer than all of them),
        // and every instance completed once with the right output.
        var ranHere = CrashStep.Runs - runsBefore;
        Assert.True(completedAtKill < ids.Count, "the kill came after all instances had completed");
        Assert.True(ranHereAtKill > 0, "this process ran no step before the kill");
        Assert.True(ranHere < ids.Count * CrashWorkload.Steps, $"this process ran all {ranHere} steps: the other ran none");
        for (var i = 0; i < ids.Count; i++)
        {
            var instance = await host.Client.GetInstanceAsync(ids[i], getInputsAndOutputs: true);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, instance!.RuntimeStatus);
            Assert.Equal(CrashWorkload.ExpectedOutput(i), instance.ReadOutputAs<int>());
            await host.AssertNoDuplicateHistoryAsync(ids[i]);
        }
    }

    /// <summary>How many different workers own partitions of a Durable Task hub (its partition table).</summary>
    private static async Task<int> PartitionOwnersAsync(string hub)
    {
        var owners = new HashSet<string>();
        await foreach (var lease in Azurite.Tables.GetTableClient(hub + "Partitions").QueryAsync<TableEntity>())
        {
            if (lease.GetString("CurrentOwner") is { Length: > 0 } owner)
            {
                owners.Add(owner);
            }
        }

        return owners.Count;
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

    private static async Task<Process> StartHostProcessAsync(string hub, string backend = "Embedded")
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashOrchestration).Assembly.Location);
        start.ArgumentList.Add(hub);
        start.ArgumentList.Add(Azurite.ConnectionString);
        start.ArgumentList.Add(backend);
        var process = Process.Start(start)!;
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("ready", ready);
        return process;
    }
}
