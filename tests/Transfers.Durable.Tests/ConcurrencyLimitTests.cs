using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

/// <summary>MaxConcurrentActivities and MaxConcurrentOrchestrations bound what one process runs at once.</summary>
public sealed class ConcurrencyLimitTests : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync() => _host = await EngineHost.StartAsync(
        Azurite.UniqueName("limits"),
        services: s => s.Configure<DurableEngineOptions>(o =>
        {
            o.MaxConcurrentActivities = 2;
            o.MaxConcurrentOrchestrations = 2;
        }));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task MaxConcurrentActivities_Two_TenActivitiesAtOnceRunAtMostTwoAtATime()
    {
        // Arrange
        var key = Azurite.UniqueName("activities");

        // Act
        var result = await _host.RunAsync(nameof(HoldMany), new HoldInput(key, 10));

        // Assert: two at once, which also shows they did run side by side.
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(2, Concurrency.Max(key));
    }

    [Fact]
    public async Task MaxConcurrentOrchestrations_Two_SixInstancesAtOnceStepAtMostTwoAtATime()
    {
        // Arrange
        var key = Azurite.UniqueName("steps");

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _host.RunAsync(nameof(Holding), new HoldInput(key, 0))));

        // Assert
        Assert.All(results, r => Assert.Equal(OrchestrationRuntimeStatus.Completed, r.RuntimeStatus));
        Assert.Equal(2, Concurrency.Max(key));
    }
}
