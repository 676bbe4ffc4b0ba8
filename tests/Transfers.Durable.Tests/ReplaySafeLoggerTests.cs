using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Transfers.Core.DurableTask;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

public sealed class ReplaySafeLoggerTests
{
    [Fact]
    public async Task CreateReplaySafeLogger_OrchestrationReplayedEveryStep_LogsEachLineOnce()
    {
        // Arrange
        var logs = new RecordingLoggerProvider();
        await using var host = await EngineHost.StartAsync(Azurite.UniqueName("replaylog"), services: s => s.AddLogging(b => b.AddProvider(logs)));
        var id = Azurite.UniqueName("chatty");

        // Act: four steps, each replaying the lines the steps before it logged.
        var result = await host.RunAsync(nameof(Chatty), instanceId: id);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        var lines = logs.Messages.Where(m => m.StartsWith(id, StringComparison.Ordinal)).ToList();
        Assert.Equal([$"{id} calls 0", $"{id} calls 1", $"{id} calls 2", $"{id} is done"], lines);
    }
}
