using Transfers.Core.DurableTask;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

/// <summary>The tests, run on both backends by the derived classes (Durable Task is the reference).</summary>
public abstract class ContinueAsNewTests(EngineHost host)
{
    private readonly EngineHost _host = host;

    [Fact]
    public async Task ContinueAsNew_AfterATimerThatBeatAnEventWaiter_RunsTheNextGenerations()
    {
        // Act
        var result = await _host.RunAsync(nameof(Ticker), 0);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(3, result.ReadOutputAs<int>());
    }

    /// <summary>Asserts that the backend carried each event into the new generation once and holds none still to carry.</summary>
    protected abstract Task AssertNothingLeftToCarryAsync(string instanceId);

    [Fact]
    public async Task ContinueAsNew_MoreBufferedEventsThanOneTransactionHolds_CarriesEachOnceInOrder()
    {
        // Arrange: 150 events wait in history when the instance continues as new; one transaction holds 100 rows.
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Hoarder), new HoarderInput(150));
        await _host.StatusAsync(id, OrchestrationRuntimeStatus.Running);
        for (var i = 0; i < 150; i++)
        {
            await _host.Client.RaiseEventAsync(id, "item", i);
        }

        // Act
        await _host.Client.RaiseEventAsync(id, "go", "now");
        var result = await _host.WaitAsync(id, timeoutSeconds: 120);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        var items = result.ReadOutputAs<List<int>>()!;
        Assert.Equal(Enumerable.Range(0, 150), items.Order());
        if (_host.KeepsRaisedEventOrder)
        {
            Assert.Equal(Enumerable.Range(0, 150), items);
        }

        await AssertNothingLeftToCarryAsync(id);
    }
}

/// <summary>ContinueAsNewTests on the embedded engine, and how it keeps an eternal instance's rows bounded.</summary>
public sealed class EmbeddedContinueAsNewTests(EmbeddedBackend backend) : ContinueAsNewTests(backend.Host), IClassFixture<EmbeddedBackend>
{
    protected override async Task AssertNothingLeftToCarryAsync(string instanceId)
    {
        var rows = await backend.Host.RowsAsync(instanceId);
        Assert.DoesNotContain(rows, r => r.RowKey.StartsWith("i|", StringComparison.Ordinal));
        Assert.Null(rows.Single(r => r.RowKey == "!instance").GetInt32("Carried"));
    }

    [Fact]
    public async Task ContinueAsNew_ThousandIterations_KeepsHistoryBoundedAndCarriesEvents()
    {
        // Arrange
        await using var host = await EngineHost.StartAsync(Azurite.UniqueName("eternal"));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Eternal), new EternalInput(0, 1000));
        var rowCounts = new List<int>();

        // Act: the event arrives while the instance is still continuing as new; nobody waits for it until the end.
        await Eventually.MatchAsync(async () => (await host.Client.GetInstanceAsync(id, true))!.ReadInputAs<EternalInput>()!.Iteration, n => n >= 3);
        await host.Client.RaiseEventAsync(id, "ping", "carried");
        var iterationAfterRaise = (await host.Client.GetInstanceAsync(id, true))!.ReadInputAs<EternalInput>()!.Iteration;
        for (var i = 0; i < 5; i++)
        {
            rowCounts.Add((await host.RowsAsync(id)).Count);
            await Task.Delay(200);
        }

        var result = await host.WaitAsync(id, timeoutSeconds: 180);

        // Assert: the event was in the instance by an iteration before the last, and only the last one waits for it.
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(iterationAfterRaise < 1000, $"the event was raised at iteration {iterationAfterRaise}");
        Assert.Equal("1000:carried", result.ReadOutputAs<string>());
        var rows = await host.RowsAsync(id);
        Assert.True(rows.Count(r => r.RowKey.StartsWith("h|", StringComparison.Ordinal)) <= 10, $"{rows.Count} rows left");
        Assert.All(rowCounts, n => Assert.True(n <= 12, $"{n} rows while running"));
    }
}

/// <summary>ContinueAsNewTests on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageContinueAsNewTests(AzureStorageBackend backend) : ContinueAsNewTests(backend.Host), IClassFixture<AzureStorageBackend>
{
    protected override async Task AssertNothingLeftToCarryAsync(string instanceId) =>
        Assert.Equal(150, await backend.Host.CountHistoryAsync(instanceId, "EventRaised"));
}
