using Transfers.Core.DurableTask;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

public sealed class MultiHostTests
{
    [Fact]
    public async Task TwoHosts_OneHub_CompleteAllInstancesWithoutDuplicateSteps()
    {
        // Arrange
        var hub = Azurite.UniqueName("shared");
        await using var a = await EngineHost.StartAsync(hub);
        await using var b = await EngineHost.StartAsync(hub);
        var prefix = Azurite.UniqueName("two");
        var ids = Enumerable.Range(0, 200).Select(i => $"{prefix}-{i}").ToList();

        // Act: schedule from both hosts; each runs the partitions it leases.
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, token) =>
            await (id.GetHashCode() % 2 == 0 ? a : b).Client.ScheduleNewOrchestrationInstanceAsync(nameof(Sequence), "x", new StartOrchestrationOptions(id), token));
        var results = new List<OrchestrationMetadata>();
        foreach (var id in ids)
        {
            results.Add(await a.WaitAsync(id, timeoutSeconds: 180));
        }

        // Assert
        Assert.All(results, r => Assert.Equal(OrchestrationRuntimeStatus.Completed, r.RuntimeStatus));
        Assert.All(results, r => Assert.Equal(5, r.ReadOutputAs<int>()));
        foreach (var id in ids)
        {
            await a.AssertNoDuplicateHistoryAsync(id);
            Assert.All(Enumerable.Range(0, 5), i => Assert.True(TestWorkload.Runs.GetValueOrDefault($"{id}/{i}") >= 1));
        }
    }
}
