using Azure;
using Transfers.Core.Application;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Tests.Application;

public sealed class OrchestrationSchedulingTests
{
    private readonly Mock<IDurableClient> _durable = new();
    private int _undone;

    [Fact]
    public async Task ScheduleOrUndoAsync_Scheduled_ReturnsTrueAndUndoesNothing()
    {
        // Arrange
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync("Run", "input", It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync("run-1");

        // Act
        var scheduled = await ScheduleAsync(rethrow: true);

        // Assert
        Assert.True(scheduled);
        Assert.Equal(0, _undone);
        _durable.Verify(d => d.ScheduleNewOrchestrationInstanceAsync(
            "Run", "input", It.Is<StartOrchestrationOptions?>(o => o != null && o.InstanceId == "run-1"), It.IsAny<CancellationToken>()), Times.Once());
    }

    [Fact]
    public async Task ScheduleOrUndoAsync_AlreadyRunning_ReturnsTrueAndUndoesNothing()
    {
        // Arrange: a racing start of the same instance counts as done
        Fails(new InstanceAlreadyExistsException("run-1"));

        // Act
        var scheduled = await ScheduleAsync(rethrow: true);

        // Assert
        Assert.True(scheduled);
        Assert.Equal(0, _undone);
    }

    [Fact]
    public async Task ScheduleOrUndoAsync_FailsAndRethrow_UndoesThenRethrows()
    {
        // Arrange
        Fails(new RequestFailedException(503, "unavailable"));

        // Act
        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => ScheduleAsync(rethrow: true));

        // Assert
        Assert.Equal(503, failure.Status);
        Assert.Equal(1, _undone);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task ScheduleOrUndoAsync_FailsWithoutRethrow_ReturnsWhetherAnOrchestrationHasTheRecord(bool undone, bool expected)
    {
        // Arrange: an undo that finds the record claimed means the schedule went through after all
        Fails(new TimeoutException());

        // Act
        var scheduled = await ScheduleAsync(rethrow: false, undo: undone);

        // Assert
        Assert.Equal(expected, scheduled);
        Assert.Equal(1, _undone);
    }

    [Fact]
    public async Task ScheduleOrUndoAsync_FailureNotToUndo_PropagatesWithoutUndo()
    {
        // Arrange
        Fails(new InvalidOperationException("not ours to undo"));

        // Act
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _durable.Object.ScheduleOrUndoAsync("Run", "input", "run-1", UndoAsync(true), e => e is TimeoutException, rethrow: false));

        // Assert
        Assert.Equal(0, _undone);
    }

    private void Fails(Exception exception) =>
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync("Run", "input", It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(exception);

    private Task<bool> ScheduleAsync(bool rethrow, bool undo = true) =>
        _durable.Object.ScheduleOrUndoAsync("Run", "input", "run-1", UndoAsync(undo), _ => true, rethrow);

    private Func<CancellationToken, Task<bool>> UndoAsync(bool result) => cancellationToken =>
    {
        Assert.False(cancellationToken.CanBeCanceled);
        _undone++;
        return Task.FromResult(result);
    };
}
