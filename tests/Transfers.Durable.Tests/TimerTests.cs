using Transfers.Core.DurableTask;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

public sealed class TimerTests
{
    [Fact]
    public async Task CreateTimer_ShortTimer_FiresNoEarlierThanItsTime()
    {
        // Arrange
        await using var host = await EngineHost.StartAsync(Azurite.UniqueName("timer"));
        var before = DateTime.UtcNow;

        // Act
        var result = await host.RunAsync(nameof(Sleeper), 1000);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(result.ReadOutputAs<DateTime>() >= before.AddMilliseconds(1000));
    }

    [Fact]
    public async Task CreateTimer_HostRestartedBeforeItFires_FiresInTheNewHost()
    {
        // Arrange: a timer committed by a host that then stops.
        var hub = Azurite.UniqueName("restart");
        var id = Azurite.UniqueName("sleep");
        var first = await EngineHost.StartAsync(hub);
        await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Sleeper), 4000, new StartOrchestrationOptions(id));
        await Eventually.MatchAsync(async () => (await first.RowsAsync(id)).Count(r => r.RowKey.StartsWith("w|t", StringComparison.Ordinal)), n => n == 1);
        var scheduledAt = DateTime.UtcNow;
        Assert.False((await first.Client.GetInstanceAsync(id))!.IsCompleted);
        await first.DisposeAsync();

        // Act
        await using var second = await EngineHost.StartAsync(hub);
        var result = await second.WaitAsync(id);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(result.LastUpdatedAt.UtcDateTime >= scheduledAt.AddSeconds(3));
        await second.AssertNoDuplicateHistoryAsync(id);
    }

    [Fact]
    public async Task ScheduleNew_WithStartAt_StaysPendingUntilThen()
    {
        // Arrange
        await using var host = await EngineHost.StartAsync(Azurite.UniqueName("startat"));
        var startAt = DateTimeOffset.UtcNow.AddSeconds(2);

        // Act
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Sleeper), 1, new StartOrchestrationOptions(StartAt: startAt));
        var early = await host.Client.GetInstanceAsync(id);
        var result = await host.WaitAsync(id);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Pending, early!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(result.ReadOutputAs<DateTime>() >= startAt.UtcDateTime);
    }
}
