using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Durable.Storage;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

[Collection(ProcessTestCollection.Name)]
public sealed class MultiHostTests
{
    [Fact]
    public async Task TwoHosts_OneHub_CompleteAllInstancesWithoutDuplicateSteps()
    {
        // Arrange: two hosts on one hub, once each holds a share of its partitions.
        var hub = Azurite.UniqueName("shared");
        await using var a = await EngineHost.StartAsync(hub, services: s => s.AddSingleton(new HostTag("a")));
        await using var b = await EngineHost.StartAsync(hub, services: s => s.AddSingleton(new HostTag("b")));
        await Eventually.MatchAsync(() => LeaseOwnersAsync(hub), owners => owners == 2, TimeSpan.FromSeconds(30));
        var prefix = Azurite.UniqueName("two");
        var ids = Enumerable.Range(0, 200).Select(i => $"{prefix}-{i}").ToList();

        // Act: schedule from both hosts; each runs the partitions it leases.
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, token) =>
            await (id.GetHashCode() % 2 == 0 ? a : b).Client.ScheduleNewOrchestrationInstanceAsync(nameof(TaggedSequence), "x", new StartOrchestrationOptions(id), token));
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

        var steps = ids.SelectMany(id => Enumerable.Range(0, 5).Select(i => TestWorkload.RanBy[$"{id}/step{i}"])).ToList();
        var activities = ids.SelectMany(id => Enumerable.Range(0, 5).Select(i => TestWorkload.RanBy[$"{id}/{i}"])).ToList();
        Assert.Equal(["a", "b"], steps.Distinct().Order());
        Assert.Equal(["a", "b"], activities.Distinct().Order());
    }

    /// <summary>How many different processes hold unexpired partition leases of the hub.</summary>
    private static async Task<int> LeaseOwnersAsync(string hub)
    {
        var owners = new HashSet<string>();
        await foreach (var lease in Azurite.Tables.GetTableClient(HubStore.TableName(hub, "Leases")).QueryAsync<TableEntity>(e => e.PartitionKey == "lease"))
        {
            if (lease.GetString("Owner") is { Length: > 0 } owner && lease.GetDateTimeOffset("ExpiresAt") > DateTimeOffset.UtcNow)
            {
                owners.Add(owner);
            }
        }

        return owners.Count;
    }
}
