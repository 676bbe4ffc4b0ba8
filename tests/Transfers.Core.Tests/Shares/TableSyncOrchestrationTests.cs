using Transfers.Core.DurableTask;
using Transfers.Core.Shares;

namespace Transfers.Core.Tests.Shares;

public sealed class TableSyncOrchestrationTests
{
    private static readonly DateTime s_now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly ShareSyncInput s_input = new(new ShareTransferRef("acme", "share1", "transfer1", "state1"), TimeSpan.FromMinutes(5));

    [Fact]
    public async Task RunAsync_OneTableFailsOneChunked_ReportsTheFailureAndSumsTheRows()
    {
        // Arrange
        var context = Context();
        context.Setup(c => c.CallActivityAsync<BeginShareTableSyncResult>(nameof(BeginShareTableSyncActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .ReturnsAsync(new BeginShareTableSyncResult(true, 2, ShareTransferStatus.Sending));
        var chunks = new List<LoadShareTableChunkInput>();
        context.Setup(c => c.CallActivityAsync<LoadShareTableChunkResult>(nameof(LoadShareTableChunkActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Returns<string, object?, RetryPolicy?>((_, request, _) =>
            {
                var chunk = (LoadShareTableChunkInput)request!;
                chunks.Add(chunk);
                return Task.FromResult(chunk switch
                {
                    { TableIndex: 0, Continuation: null } => new LoadShareTableChunkResult("orders", 1000, "next", null),
                    { TableIndex: 0 } => new LoadShareTableChunkResult("orders", 500, null, null),
                    _ => new LoadShareTableChunkResult("events", 0, null, "The source table 'Events' does not exist."),
                });
            });

        // Act
        await new TableSyncOrchestration().RunAsync(context.Object, s_input);

        // Assert
        Assert.Equal(3, chunks.Count);
        Assert.Contains(chunks, c => c is { TableIndex: 0, Continuation: "next" });
        var complete = Completion(context);
        Assert.Equal(1500, complete.Summary!.RowsWritten);
        var error = Assert.Single(complete.Errors);
        Assert.Equal("events", error.Table);
        Assert.Null(error.Path);
        context.Verify(c => c.ContinueAsNew(It.Is<ShareSyncInput>(i => i.Cycle == 2 && i.InitialSendDone), It.IsAny<bool>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_ALoadThrows_MarksTheCheckFailedAndKeepsTheAutomation()
    {
        // Arrange: the activity itself fails (its records unreadable), not one table's load.
        var context = Context();
        context.Setup(c => c.CallActivityAsync<BeginShareTableSyncResult>(nameof(BeginShareTableSyncActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .ReturnsAsync(new BeginShareTableSyncResult(true, 1, ShareTransferStatus.Syncing));
        context.Setup(c => c.CallActivityAsync<LoadShareTableChunkResult>(nameof(LoadShareTableChunkActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .ThrowsAsync(new TaskFailedException(nameof(LoadShareTableChunkActivity), new TaskFailureDetails("System.InvalidOperationException", "The transfer no longer exists.")));

        // Act
        var result = await new TableSyncOrchestration().RunAsync(context.Object, s_input);

        // Assert
        Assert.Equal(ShareSyncOrchestration.Continued, result);
        var complete = Completion(context);
        Assert.Equal("Loading a table failed: The transfer no longer exists.", complete.Failure);
        Assert.Null(complete.Summary);
        context.Verify(c => c.ContinueAsNew(It.Is<ShareSyncInput>(i => i.Cycle == 2 && !i.InitialSendDone), It.IsAny<bool>()), Times.Once);
    }

    [Theory]
    [InlineData(ShareTransferStatus.Paused, "continued", true)]
    [InlineData(ShareTransferStatus.Canceled, "ended", false)]
    public async Task RunAsync_RecordNotRunnableWithoutItsEvent_FollowsTheRecord(string status, string expected, bool continuedPaused)
    {
        // Arrange: a pause or cancel that raced the start and found no orchestration to tell
        var context = Context();
        context.Setup(c => c.CallActivityAsync<BeginShareTableSyncResult>(nameof(BeginShareTableSyncActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .ReturnsAsync(new BeginShareTableSyncResult(false, 0, status));

        // Act
        var result = await new TableSyncOrchestration().RunAsync(context.Object, s_input);

        // Assert
        Assert.Equal(expected, result);
        context.Verify(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
        context.Verify(c => c.CallActivityAsync<LoadShareTableChunkResult>(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()), Times.Never);
        context.Verify(c => c.ContinueAsNew(It.Is<ShareSyncInput>(i => i.Paused), It.IsAny<bool>()), continuedPaused ? Times.Once() : Times.Never());
    }

    private static Mock<IOrchestrationContext> Context()
    {
        var context = new Mock<IOrchestrationContext>();
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(s_now);
        context.Setup(c => c.WaitForExternalEvent<PauseShareTransfer>(ShareEvents.Pause, It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<PauseShareTransfer>().Task);
        context.Setup(c => c.WaitForExternalEvent<CancelShareTransfer>(ShareEvents.Cancel, It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<CancelShareTransfer>().Task);
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        context.Setup(c => c.CallActivityAsync(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<RetryPolicy?>())).Returns(Task.CompletedTask);
        return context;
    }

    private static CompleteShareCheckInput Completion(Mock<IOrchestrationContext> context) =>
        (CompleteShareCheckInput)context.Invocations
            .Last(i => i.Method.Name == nameof(IOrchestrationContext.CallActivityAsync) && (string)i.Arguments[0] == nameof(CompleteShareCheckActivity)).Arguments[1]!;
}
