using Transfers.Core.DurableTask;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

/// <summary>The tests, run on both backends by the derived classes (Durable Task is the reference).</summary>
public abstract class TimerTests(TestBackend backend)
{
    [Fact]
    public async Task CreateTimer_ShortTimer_FiresNoEarlierThanItsTime()
    {
        // Arrange
        await using var host = await EngineHost.StartAsync(Azurite.UniqueName("timer"), backend: backend);
        var before = DateTime.UtcNow;

        // Act
        var result = await host.RunAsync(nameof(Sleeper), 1000);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(result.ReadOutputAs<DateTime>() >= before.AddMilliseconds(1000) - host.TimerEarliness);
    }

    [Fact]
    public async Task CreateTimer_HostRestartedBeforeItFires_FiresInTheNewHost()
    {
        // Arrange: a timer committed by a host that then stops.
        var hub = Azurite.UniqueName("restart");
        var id = Azurite.UniqueName("sleep");
        var first = await EngineHost.StartAsync(hub, backend: backend);

        // Taken before the start: the timer's due time is at least this plus its 4 s. A time read after seeing the timer
        // in the history is no bound, since on a loaded machine that read can come seconds after the timer was made.
        var before = DateTime.UtcNow;
        await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Sleeper), 4000, new StartOrchestrationOptions(id));
        await Eventually.MatchAsync(() => first.CountHistoryAsync(id, "TimerCreated"), n => n == 1);
        Assert.False((await first.Client.GetInstanceAsync(id))!.IsCompleted);
        await first.DisposeAsync();

        // Act
        await using var second = await EngineHost.StartAsync(hub, backend: backend);
        var result = await second.WaitAsync(id);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(result.LastUpdatedAt.UtcDateTime >= before.AddSeconds(4) - second.TimerEarliness, $"completed {result.LastUpdatedAt:O}, started after {before:O}");
        await second.AssertNoDuplicateHistoryAsync(id);
    }

    [Fact]
    public async Task ScheduleNew_WithStartAt_StaysPendingUntilThen()
    {
        // Arrange
        await using var host = await EngineHost.StartAsync(Azurite.UniqueName("startat"), backend: backend);
        var startAt = DateTimeOffset.UtcNow.AddSeconds(2);

        // Act
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Sleeper), 1, new StartOrchestrationOptions(StartAt: startAt));
        var early = await host.Client.GetInstanceAsync(id);
        var result = await host.WaitAsync(id);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Pending, early!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(result.ReadOutputAs<DateTime>() >= startAt.UtcDateTime - host.TimerEarliness, $"started at {result.ReadOutputAs<DateTime>():O}, due at {startAt:O}");
    }
}

/// <summary>TimerTests on the embedded engine.</summary>
public sealed class EmbeddedTimerTests() : TimerTests(TestBackend.Embedded);

/// <summary>TimerTests on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageTimerTests() : TimerTests(TestBackend.AzureStorage);
