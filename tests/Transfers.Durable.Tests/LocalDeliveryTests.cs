using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Transfers.Core.DurableTask;
using Transfers.Durable.Storage;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

/// <summary>Results of work run here and events raised here reach the owning step in memory, committed once.</summary>
public sealed class LocalDeliveryTests : IAsyncLifetime
{
    private readonly RecordingLoggerProvider _logs = new();
    private EngineHost _host = null!;

    public async Task InitializeAsync() => _host = await EngineHost.StartAsync(
        Azurite.UniqueName("local"),
        services: s => s.AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug)));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CallActivityAsync_ManySequencesAtOnce_EveryResultCommitsWithoutConflict()
    {
        // Arrange
        var ids = Enumerable.Range(0, 20).Select(_ => Azurite.UniqueName("seq")).ToList();

        // Act
        var results = await Task.WhenAll(ids.Select(id => _host.RunAsync(nameof(Sequence), "x", id)));

        // Assert: a result offered twice would make a step delete its work row twice and fail on a conflict.
        Assert.All(results, r => Assert.Equal(5, r.ReadOutputAs<int>()));
        Assert.DoesNotContain(_logs.Events, e => e.Name == "StepConflict");
        Assert.Contains(_logs.Events, e => e.Name == "StepCommitted");
    }

    [Fact]
    public async Task RaiseEventAsync_InstanceRunHere_ReturnsWithTheEventInHistory()
    {
        // Arrange
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventWaiter), "go");
        await _host.StatusAsync(id, OrchestrationRuntimeStatus.Running);

        // Act
        await _host.Client.RaiseEventAsync(id, "go", "now");
        var rows = await _host.RowsAsync(id);

        // Assert: committed before the call returned, without passing through the inbox.
        Assert.Contains(rows, r => r.RowKey.StartsWith("h|", StringComparison.Ordinal) && r.GetString("Type") == "EventRaised" && r.GetString("Name") == "go");
        Assert.DoesNotContain(rows, r => r.RowKey.StartsWith("i|", StringComparison.Ordinal));
        Assert.Equal("now", (await _host.WaitAsync(id)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task ScheduleNew_InstanceRunHere_ReturnsWithFirstStepCommitted()
    {
        // Arrange
        var id = Azurite.UniqueName("first");

        // Act
        await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventWaiter), "go", new StartOrchestrationOptions(id));
        var rows = await _host.RowsAsync(id);

        // Assert: the instance row and its first step went in one transaction before the call returned.
        Assert.Equal("Running", rows.Single(r => r.RowKey == "!instance").GetString("Status"));
        Assert.Single(rows, r => r.RowKey.StartsWith("h|", StringComparison.Ordinal) && r.GetString("Type") == "ExecutionStarted");
        await _host.Client.RaiseEventAsync(id, "go", "now");
        Assert.Equal("now", (await _host.WaitAsync(id)).ReadOutputAs<string>());
        await _host.AssertNoDuplicateHistoryAsync(id);
    }

    [Fact]
    public async Task ScheduleNew_ManyFinishHere_TheirIndexRowsAreRemoved()
    {
        // Arrange
        var ids = Enumerable.Range(0, 20).Select(_ => Azurite.UniqueName("done")).ToList();
        var index = Azurite.Tables.GetTableClient(HubStore.TableName(_host.Hub, "Index"));

        // Act
        await Task.WhenAll(ids.Select(id => _host.RunAsync(nameof(Sequence), "x", id)));

        // Assert: nothing is left for the partition scan to look at, well before the scan would remove the rows itself
        // (a lease duration after they were touched).
        await Eventually.MatchAsync(
            async () =>
            {
                var left = new List<string>();
                await foreach (var row in index.QueryAsync<TableEntity>())
                {
                    left.Add(row.RowKey);
                }

                return left;
            },
            left => !left.Intersect(ids).Any(),
            TimeSpan.FromSeconds(1));
    }
}
