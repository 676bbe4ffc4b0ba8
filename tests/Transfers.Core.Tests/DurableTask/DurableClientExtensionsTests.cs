using Transfers.Core.DurableTask;

namespace Transfers.Core.Tests.DurableTask;

public sealed class DurableClientExtensionsTests
{
    [Fact]
    public async Task TrySchedule_NoInstanceRunning_SchedulesItWithThatIdAndReturnsTrue()
    {
        // Arrange
        var client = new Mock<IDurableClient>();
        client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync("Sync", "input", It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync("sync-1");

        // Act
        var scheduled = await client.Object.TryScheduleAsync("Sync", "input", "sync-1");

        // Assert
        Assert.True(scheduled);
        client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            "Sync", "input", It.Is<StartOrchestrationOptions?>(o => o != null && o.InstanceId == "sync-1"), It.IsAny<CancellationToken>()), Times.Once());
    }

    [Fact]
    public async Task TrySchedule_InstanceAlreadyRunning_ReturnsFalse()
    {
        // Arrange
        var client = new Mock<IDurableClient>();
        client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync("Sync", null, It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InstanceAlreadyExistsException("sync-1"));

        // Act
        var scheduled = await client.Object.TryScheduleAsync("Sync", null, "sync-1");

        // Assert
        Assert.False(scheduled);
    }
}
