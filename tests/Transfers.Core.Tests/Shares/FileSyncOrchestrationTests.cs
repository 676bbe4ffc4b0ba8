using Transfers.Core.DurableTask;
using Transfers.Core.Shares;

namespace Transfers.Core.Tests.Shares;

public sealed class FileSyncOrchestrationTests
{
    private static readonly DateTime s_now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly ShareTransferRef s_transfer = new("acme", "share1", "transfer1", "state1");
    private static readonly ShareSyncInput s_input = new(s_transfer, TimeSpan.FromMinutes(5));

    private readonly Mock<IOrchestrationContext> _context = new(MockBehavior.Strict);
    private readonly TaskCompletionSource<PauseShareTransfer> _pause = new();
    private readonly TaskCompletionSource<ResumeShareTransfer> _resume = new();
    private readonly TaskCompletionSource<CancelShareTransfer> _cancel = new();
    private readonly TaskCompletionSource _timer = new();
    private readonly List<string> _calls = [];
    private CancellationToken _timerToken;
    private object? _continuedWith;

    public FileSyncOrchestrationTests()
    {
        _context.SetupGet(c => c.CurrentUtcDateTime).Returns(s_now);
        _context.SetupGet(c => c.InstanceId).Returns("share-transfer-transfer1");
        _context.Setup(c => c.WaitForExternalEvent<PauseShareTransfer>(ShareEvents.Pause, It.IsAny<CancellationToken>())).Returns(_pause.Task);
        _context.Setup(c => c.WaitForExternalEvent<ResumeShareTransfer>(ShareEvents.Resume, It.IsAny<CancellationToken>())).Returns(_resume.Task);
        _context.Setup(c => c.WaitForExternalEvent<CancelShareTransfer>(ShareEvents.Cancel, It.IsAny<CancellationToken>())).Returns(_cancel.Task);
        _context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Callback<DateTime, CancellationToken>((_, token) => _timerToken = token)
            .Returns(_timer.Task);
        _context.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>())).Callback<object?, bool>((input, _) => _continuedWith = input);
        _context.Setup(c => c.CallActivityAsync(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Callback<string, object?, RetryPolicy?>((name, _, _) => _calls.Add(name))
            .Returns(Task.CompletedTask);
        Returns(nameof(BeginShareFileSyncActivity), new BeginShareFileSyncResult(true, ShareTransferStatus.Sending));
        Returns(nameof(ReportShareFileSyncProgressActivity), true);
    }

    [Fact]
    public async Task RunAsync_NewChangedAndDeleted_CopiesEveryBatchThenDeletesThenContinuesAsNew()
    {
        // Arrange
        Returns(nameof(DiffShareSourcePageActivity), new DiffShareSourcePageResult(null, 10, 3, 250, 2500, 2, 150));
        Returns(nameof(CopyShareFileBatchActivity), new CopyShareFileBatchResult(false, 100, 1000, 0, []));
        Returns(nameof(DeleteShareFileBatchActivity), new DeleteShareFileBatchResult(false, 75));
        _timer.SetResult();

        // Act
        var result = await CreateOrchestration().RunAsync(_context.Object, s_input);

        // Assert
        Assert.Equal(ShareSyncOrchestration.Continued, result);
        Assert.Equal(3, _calls.Count(c => c == nameof(CopyShareFileBatchActivity)));
        Assert.Equal(2, _calls.Count(c => c == nameof(DeleteShareFileBatchActivity)));
        Assert.True(_calls.LastIndexOf(nameof(CopyShareFileBatchActivity)) < _calls.IndexOf(nameof(DeleteShareFileBatchActivity)));
        var complete = Completion();
        Assert.NotNull(complete.Summary);
        Assert.Equal(300, complete.Summary!.FilesCopied);
        Assert.Equal(150, complete.Summary.FilesDeleted);
        var next = Assert.IsType<ShareSyncInput>(_continuedWith);
        Assert.Equal(2, next.Cycle);
        Assert.True(next.InitialSendDone);
        Assert.False(next.Paused);
    }

    [Fact]
    public async Task RunAsync_ACopyFails_DeletesNothingAndReportsTheError()
    {
        // Arrange
        var error = new ShareTransferError("a/b.txt", null, "boom", s_now);
        Returns(nameof(DiffShareSourcePageActivity), new DiffShareSourcePageResult(null, 10, 2, 150, 1500, 1, 5));
        var results = new Queue<CopyShareFileBatchResult>([new CopyShareFileBatchResult(false, 100, 1000, 0, []), new CopyShareFileBatchResult(false, 49, 490, 1, [error])]);
        _context.Setup(c => c.CallActivityAsync<CopyShareFileBatchResult>(nameof(CopyShareFileBatchActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Callback(() => _calls.Add(nameof(CopyShareFileBatchActivity)))
            .Returns(() => Task.FromResult(results.Dequeue()));
        _timer.SetResult();

        // Act
        await CreateOrchestration().RunAsync(_context.Object, s_input);

        // Assert
        Assert.DoesNotContain(nameof(DeleteShareFileBatchActivity), _calls);
        var complete = Completion();
        Assert.Equal([error], complete.Errors);
        Assert.Equal(149, complete.Progress.FilesDone);
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(null, 8)] // a history recorded before the check's first activity returned its limits
    public async Task RunAsync_ManyBatches_KeepsAtMostTheWindowTheBeginActivityRecordedInFlight(int? recordedWindow, int expectedInFlight)
    {
        // Arrange
        var inFlight = 0;
        var maxInFlight = 0;
        var pending = new System.Collections.Concurrent.ConcurrentQueue<TaskCompletionSource<CopyShareFileBatchResult>>();
        Returns(nameof(DiffShareSourcePageActivity), new DiffShareSourcePageResult(null, 2000, 20, 2000, 0, 0, 0));
        _context.Setup(c => c.CallActivityAsync<CopyShareFileBatchResult>(nameof(CopyShareFileBatchActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Returns(() =>
            {
                var now = Interlocked.Increment(ref inFlight);
                maxInFlight = Math.Max(maxInFlight, now);
                var source = new TaskCompletionSource<CopyShareFileBatchResult>();
                pending.Enqueue(source);
                return source.Task;
            });
        _timer.SetResult();

        // Act
        var run = CreateOrchestration(maxConcurrentBatches: recordedWindow).RunAsync(_context.Object, s_input);
        while (!run.IsCompleted)
        {
            var next = pending.FirstOrDefault(p => !p.Task.IsCompleted);
            if (next is null)
            {
                // The orchestration has not yet reacted to the last completion.
                await Task.Delay(1);
                continue;
            }

            Interlocked.Decrement(ref inFlight);
            next.SetResult(new CopyShareFileBatchResult(false, 100, 0, 0, []));
        }

        await run;

        // Assert
        Assert.Equal(expectedInFlight, maxInFlight);
        Assert.Equal(20, pending.Count);
        Assert.Equal(2000, Completion().Summary!.FilesCopied);
    }

    [Fact]
    public async Task RunAsync_SeveralPages_DiffsEachPageWithTheCursorOfThePrevious()
    {
        // Arrange
        var second = new DiffCursor(0, "token", "a/5000");
        var requests = new List<DiffShareSourcePageInput>();
        var pages = new Queue<DiffShareSourcePageResult>([new DiffShareSourcePageResult(second, 5000, 0, 0, 0, 0, 0), new DiffShareSourcePageResult(null, 10, 0, 0, 0, 1, 3)]);
        _context.Setup(c => c.CallActivityAsync<DiffShareSourcePageResult>(nameof(DiffShareSourcePageActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Callback<string, object?, RetryPolicy?>((_, request, _) => requests.Add((DiffShareSourcePageInput)request!))
            .Returns(() => Task.FromResult(pages.Dequeue()));
        var deletes = new List<string>();
        _context.Setup(c => c.CallActivityAsync<DeleteShareFileBatchResult>(nameof(DeleteShareFileBatchActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Callback<string, object?, RetryPolicy?>((_, request, _) => deletes.Add(((ShareFileBatchInput)request!).BatchId))
            .ReturnsAsync(new DeleteShareFileBatchResult(false, 3));
        _timer.SetResult();

        // Act
        await CreateOrchestration().RunAsync(_context.Object, s_input);

        // Assert
        Assert.Equal([DiffCursor.Start, second], requests.Select(r => r.Cursor));
        Assert.Equal([1, 2], requests.Select(r => r.Page));
        Assert.Equal([FileBatchIds.Delete(2, 0)], deletes);
    }

    [Fact]
    public async Task RunAsync_SeveralPages_ListsTheNextPageWhileThePreviousCopies()
    {
        // Arrange
        var second = new DiffCursor(0, "token", "a/0800");
        var pages = new Queue<DiffShareSourcePageResult>([new DiffShareSourcePageResult(second, 800, 2, 800, 0, 0, 0), new DiffShareSourcePageResult(null, 10, 1, 10, 0, 0, 0)]);
        _context.Setup(c => c.CallActivityAsync<DiffShareSourcePageResult>(nameof(DiffShareSourcePageActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Callback(() => _calls.Add(nameof(DiffShareSourcePageActivity)))
            .Returns(() => Task.FromResult(pages.Dequeue()));
        var copies = new List<(string BatchId, TaskCompletionSource<CopyShareFileBatchResult> Result)>();
        _context.Setup(c => c.CallActivityAsync<CopyShareFileBatchResult>(nameof(CopyShareFileBatchActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Returns<string, object?, RetryPolicy?>((_, request, _) =>
            {
                var result = new TaskCompletionSource<CopyShareFileBatchResult>();
                copies.Add((((ShareFileBatchInput)request!).BatchId, result));
                return result.Task;
            });
        _timer.SetResult();

        // Act
        var run = CreateOrchestration().RunAsync(_context.Object, s_input);
        var listedWhileCopying = _calls.Count(c => c == nameof(DiffShareSourcePageActivity));
        var startedBeforeAnyCopyEnded = copies.Select(c => c.BatchId).ToList();
        while (copies.FirstOrDefault(c => !c.Result.Task.IsCompleted) is { Result: { } next })
        {
            next.SetResult(new CopyShareFileBatchResult(false, 1, 1, 0, []));
        }

        await run;

        // Assert
        Assert.Equal(2, listedWhileCopying);
        Assert.Equal([FileBatchIds.Copy(1, 0), FileBatchIds.Copy(1, 1), FileBatchIds.Copy(2, 0)], startedBeforeAnyCopyEnded);
        Assert.Equal(3, Completion().Summary!.FilesCopied);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task RunAsync_FirstSendOrResync_TellsTheDiffWhichItIs(bool initialSendDone, bool expected)
    {
        // Arrange
        var requests = new List<DiffShareSourcePageInput>();
        _context.Setup(c => c.CallActivityAsync<DiffShareSourcePageResult>(nameof(DiffShareSourcePageActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Callback<string, object?, RetryPolicy?>((_, request, _) => requests.Add((DiffShareSourcePageInput)request!))
            .ReturnsAsync(new DiffShareSourcePageResult(null, 0, 0, 0, 0, 0, 0));
        _timer.SetResult();

        // Act
        await CreateOrchestration().RunAsync(_context.Object, s_input with { InitialSendDone = initialSendDone });

        // Assert
        Assert.Equal(expected, Assert.Single(requests).InitialSend);
    }

    [Fact]
    public async Task RunAsync_DiffFailsWhileCopying_CompletesTheCheckOnlyAfterTheCopiesEnd()
    {
        // Arrange
        var pages = new Queue<Task<DiffShareSourcePageResult>>(
        [
            Task.FromResult(new DiffShareSourcePageResult(new DiffCursor(0, "token", "a/0800"), 800, 1, 800, 0, 0, 0)),
            Task.FromException<DiffShareSourcePageResult>(new TaskFailedException(nameof(DiffShareSourcePageActivity), new TaskFailureDetails("System.InvalidOperationException", "listing failed"))),
        ]);
        _context.Setup(c => c.CallActivityAsync<DiffShareSourcePageResult>(nameof(DiffShareSourcePageActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Returns(() => pages.Dequeue());
        var copy = new TaskCompletionSource<CopyShareFileBatchResult>();
        _context.Setup(c => c.CallActivityAsync<CopyShareFileBatchResult>(nameof(CopyShareFileBatchActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Returns(copy.Task);
        _timer.SetResult();

        // Act
        var run = CreateOrchestration().RunAsync(_context.Object, s_input);
        var completedWhileCopying = _calls.Contains(nameof(CompleteShareCheckActivity));
        copy.SetResult(new CopyShareFileBatchResult(false, 800, 800, 0, []));
        await run;

        // Assert
        Assert.False(completedWhileCopying);
        Assert.Equal("Listing the source failed: listing failed", Completion().Failure);
    }

    [Fact]
    public async Task RunAsync_PauseDuringCheck_StopsCopyingSkipsDeletesAndContinuesPaused()
    {
        // Arrange
        Returns(nameof(DiffShareSourcePageActivity), new DiffShareSourcePageResult(null, 10, 5, 500, 0, 1, 1));
        var copies = 0;
        _context.Setup(c => c.CallActivityAsync<CopyShareFileBatchResult>(nameof(CopyShareFileBatchActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Returns(() =>
            {
                if (++copies == 1)
                {
                    _pause.TrySetResult(new PauseShareTransfer(s_now));
                }

                return Task.FromResult(new CopyShareFileBatchResult(false, 100, 0, 0, []));
            });

        // Act
        var result = await CreateOrchestration(maxConcurrentBatches: 1).RunAsync(_context.Object, s_input);

        // Assert
        Assert.Equal(ShareSyncOrchestration.Continued, result);
        Assert.Equal(1, copies);
        Assert.DoesNotContain(nameof(DeleteShareFileBatchActivity), _calls);
        _context.Verify(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Null(Completion().Summary);
        var next = Assert.IsType<ShareSyncInput>(_continuedWith);
        Assert.True(next.Paused);
        Assert.False(next.InitialSendDone);
    }

    [Fact]
    public async Task RunAsync_WaitersCanceledAtOnceByTheirToken_ContinuesUnpausedAfterTheTimer()
    {
        // Arrange: pause and cancel waiters that end Canceled as soon as their token is cancelled, as Durable Task's do.
        _context.Setup(c => c.WaitForExternalEvent<PauseShareTransfer>(ShareEvents.Pause, It.IsAny<CancellationToken>()))
            .Returns((string _, CancellationToken token) => CanceledWith<PauseShareTransfer>(token));
        _context.Setup(c => c.WaitForExternalEvent<CancelShareTransfer>(ShareEvents.Cancel, It.IsAny<CancellationToken>()))
            .Returns((string _, CancellationToken token) => CanceledWith<CancelShareTransfer>(token));
        Returns(nameof(DiffShareSourcePageActivity), new DiffShareSourcePageResult(null, 0, 0, 0, 0, 0, 0));
        _timer.SetResult();

        // Act
        var result = await CreateOrchestration().RunAsync(_context.Object, s_input);

        // Assert: the next check is scheduled; the cancelled waiters are not taken for a cancel or a pause.
        Assert.Equal(ShareSyncOrchestration.Continued, result);
        var next = Assert.IsType<ShareSyncInput>(_continuedWith);
        Assert.False(next.Paused);
        Assert.Equal(2, next.Cycle);
    }

    [Fact]
    public async Task RunAsync_PauseWhileWaiting_CancelsTheTimerAndContinuesPaused()
    {
        // Arrange
        Returns(nameof(DiffShareSourcePageActivity), new DiffShareSourcePageResult(null, 0, 0, 0, 0, 0, 0));
        var orchestration = CreateOrchestration();

        // Act
        var run = orchestration.RunAsync(_context.Object, s_input);
        _pause.SetResult(new PauseShareTransfer(s_now));
        await run;

        // Assert
        _context.Verify(c => c.CreateTimer(s_now + s_input.Interval, It.IsAny<CancellationToken>()), Times.Once);
        Assert.True(_timerToken.IsCancellationRequested);
        Assert.True(Assert.IsType<ShareSyncInput>(_continuedWith).Paused);
    }

    [Fact]
    public async Task RunAsync_Paused_RunsNothingUntilResumeThenChecksAtOnce()
    {
        // Arrange
        var orchestration = CreateOrchestration();

        // Act
        var run = orchestration.RunAsync(_context.Object, s_input with { Paused = true, Cycle = 7, InitialSendDone = true });
        var waitedWithoutWork = !run.IsCompleted && _calls.Count == 0;
        _resume.SetResult(new ResumeShareTransfer(s_now));
        await run;

        // Assert
        Assert.True(waitedWithoutWork);
        _context.Verify(c => c.CallActivityAsync<BeginShareFileSyncResult>(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()), Times.Never);
        _context.Verify(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
        var next = Assert.IsType<ShareSyncInput>(_continuedWith);
        Assert.False(next.Paused);
        Assert.Equal(8, next.Cycle);
        Assert.True(next.InitialSendDone);
    }

    [Fact]
    public async Task RunAsync_CancelWhilePaused_EndsWithoutContinuing()
    {
        // Arrange
        _cancel.SetResult(new CancelShareTransfer(s_now, "transfer2"));

        // Act
        var result = await CreateOrchestration().RunAsync(_context.Object, s_input with { Paused = true });

        // Assert
        Assert.Equal(ShareSyncOrchestration.Ended, result);
        Assert.Null(_continuedWith);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task RunAsync_CancelWhileWaiting_EndsAndCancelsTheTimer()
    {
        // Arrange
        Returns(nameof(DiffShareSourcePageActivity), new DiffShareSourcePageResult(null, 0, 0, 0, 0, 0, 0));

        // Act
        var run = CreateOrchestration().RunAsync(_context.Object, s_input);
        _cancel.SetResult(new CancelShareTransfer(s_now));
        var result = await run;

        // Assert
        Assert.Equal(ShareSyncOrchestration.Ended, result);
        Assert.True(_timerToken.IsCancellationRequested);
        Assert.Null(_continuedWith);
    }

    [Fact]
    public async Task RunAsync_EditedTransfer_PrunesUnselectedAndDeletesAfterCopies()
    {
        // Arrange
        Returns(nameof(PruneUnselectedShareFilesActivity), new PruneUnselectedShareFilesResult(2, 120));
        Returns(nameof(DiffShareSourcePageActivity), new DiffShareSourcePageResult(null, 10, 1, 1, 1, 0, 0));
        Returns(nameof(CopyShareFileBatchActivity), new CopyShareFileBatchResult(false, 1, 1, 0, []));
        var deletes = new List<string>();
        _context.Setup(c => c.CallActivityAsync<DeleteShareFileBatchResult>(nameof(DeleteShareFileBatchActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Callback<string, object?, RetryPolicy?>((_, request, _) => { deletes.Add(((ShareFileBatchInput)request!).BatchId); _calls.Add(nameof(DeleteShareFileBatchActivity)); })
            .ReturnsAsync(new DeleteShareFileBatchResult(false, 60));
        _timer.SetResult();

        // Act
        await CreateOrchestration().RunAsync(_context.Object, s_input with { InitialSendDone = true, PruneUnselected = true });

        // Assert
        Assert.Equal([FileBatchIds.Delete(0, 0), FileBatchIds.Delete(0, 1)], deletes);
        Assert.True(_calls.IndexOf(nameof(CopyShareFileBatchActivity)) < _calls.IndexOf(nameof(DeleteShareFileBatchActivity)));
        Assert.False(Assert.IsType<ShareSyncInput>(_continuedWith).PruneUnselected);
    }

    [Fact]
    public async Task RunAsync_RecordNoLongerRunnable_SkipsTheCheckAndWaits()
    {
        // Arrange
        Returns(nameof(BeginShareFileSyncActivity), new BeginShareFileSyncResult(false, ShareTransferStatus.Paused));
        _pause.SetResult(new PauseShareTransfer(s_now));

        // Act
        await CreateOrchestration().RunAsync(_context.Object, s_input);

        // Assert
        Assert.DoesNotContain(nameof(CompleteShareCheckActivity), _calls);
        _context.Verify(c => c.CallActivityAsync<DiffShareSourcePageResult>(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()), Times.Never);
        Assert.True(Assert.IsType<ShareSyncInput>(_continuedWith).Paused);
    }

    [Fact]
    public async Task RunAsync_RecordPausedWithoutItsEvent_WaitsPausedAtOnceWithoutATimer()
    {
        // Arrange: the record says paused but no event comes (the pause raced the start and found no orchestration)
        Returns(nameof(BeginShareFileSyncActivity), new BeginShareFileSyncResult(false, ShareTransferStatus.Paused));
        _timer.SetResult();

        // Act
        var result = await CreateOrchestration().RunAsync(_context.Object, s_input with { InitialSendDone = true });

        // Assert
        Assert.Equal(ShareSyncOrchestration.Continued, result);
        _context.Verify(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Equal([nameof(BeginShareFileSyncActivity)], _calls);
        var next = Assert.IsType<ShareSyncInput>(_continuedWith);
        Assert.True(next.Paused);
        Assert.True(next.InitialSendDone);
    }

    [Theory]
    [InlineData(ShareTransferStatus.Canceled)]
    [InlineData(ShareTransferStatus.Superseded)]
    public async Task RunAsync_RecordEndedWithoutItsEvent_EndsTheAutomation(string status)
    {
        // Arrange: a cancel or an edit that raced the start and found no orchestration to tell
        Returns(nameof(BeginShareFileSyncActivity), new BeginShareFileSyncResult(false, status));
        _timer.SetResult();

        // Act
        var result = await CreateOrchestration().RunAsync(_context.Object, s_input);

        // Assert
        Assert.Equal(ShareSyncOrchestration.Ended, result);
        Assert.Null(_continuedWith);
        _context.Verify(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_Paused_TakesAPauseEventThatArrivesLateAndKeepsWaitingForTheResume()
    {
        // Arrange: the pause event of a pause the record already showed arrives while paused
        _pause.SetResult(new PauseShareTransfer(s_now));

        // Act
        var run = CreateOrchestration().RunAsync(_context.Object, s_input with { Paused = true });
        var stillWaiting = !run.IsCompleted;
        _resume.SetResult(new ResumeShareTransfer(s_now));
        await run;

        // Assert
        Assert.True(stillWaiting);
        _context.Verify(c => c.WaitForExternalEvent<PauseShareTransfer>(ShareEvents.Pause, It.IsAny<CancellationToken>()), Times.Once);
        Assert.False(Assert.IsType<ShareSyncInput>(_continuedWith).Paused);
    }

    [Fact]
    public async Task RunAsync_DiffFails_MarksTheCheckFailedAndKeepsTheAutomation()
    {
        // Arrange
        _context.Setup(c => c.CallActivityAsync<DiffShareSourcePageResult>(nameof(DiffShareSourcePageActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .ThrowsAsync(new TaskFailedException(nameof(DiffShareSourcePageActivity), new TaskFailureDetails("System.InvalidOperationException", "The source container 'x' does not exist.")));
        _timer.SetResult();

        // Act
        var result = await CreateOrchestration().RunAsync(_context.Object, s_input);

        // Assert
        Assert.Equal(ShareSyncOrchestration.Continued, result);
        Assert.Equal("Listing the source failed: The source container 'x' does not exist.", Completion().Failure);
        Assert.False(Assert.IsType<ShareSyncInput>(_continuedWith).InitialSendDone);
    }

    [Fact]
    public async Task RunAsync_BeginFailsInStorage_MarksTheCheckFailedWithStatusAndCodeOnly()
    {
        // Arrange: the failure as the engine records a storage exception, the SDK's text with the response headers.
        const string sdkText = "This request is not authorized to perform this operation.\nRequestId:0f4c\nTime:2026-01-01T00:00:00Z\n"
            + "Status: 403 (This request is not authorized to perform this operation.)\nErrorCode: AuthorizationFailure\n\n"
            + "Headers:\nServer: Azurite-Blob/3.37.0\nx-ms-request-id: 0f4c\n";
        _context.Setup(c => c.CallActivityAsync<BeginShareFileSyncResult>(nameof(BeginShareFileSyncActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .ThrowsAsync(new TaskFailedException(nameof(BeginShareFileSyncActivity), new TaskFailureDetails(typeof(Azure.RequestFailedException).FullName!, sdkText)));
        _timer.SetResult();

        // Act
        var result = await CreateOrchestration().RunAsync(_context.Object, s_input);

        // Assert
        Assert.Equal(ShareSyncOrchestration.Continued, result);
        Assert.Equal("Preparing the destination container failed: the storage service answered 403 (AuthorizationFailure).", Completion().Failure);
        Assert.DoesNotContain(nameof(DiffShareSourcePageActivity), _calls);
    }

    private FileSyncOrchestration CreateOrchestration(int? maxConcurrentBatches = null)
    {
        if (maxConcurrentBatches is { } window)
        {
            Returns(nameof(BeginShareFileSyncActivity), new BeginShareFileSyncResult(true, ShareTransferStatus.Sending, new FileSyncLimits(window, 50)));
        }

        return new();
    }

    private void Returns<T>(string activity, T result) =>
        _context.Setup(c => c.CallActivityAsync<T>(activity, It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Callback(() => _calls.Add(activity))
            .ReturnsAsync(result);

    private CompleteShareCheckInput Completion()
    {
        var invocation = _context.Invocations.Last(i => i.Method.Name == nameof(IOrchestrationContext.CallActivityAsync) && (string)i.Arguments[0] == nameof(CompleteShareCheckActivity));
        return (CompleteShareCheckInput)invocation.Arguments[1]!;
    }

    private static Task<T> CanceledWith<T>(CancellationToken token)
    {
        var waiter = new TaskCompletionSource<T>();
        token.Register(() => waiter.TrySetCanceled(token));
        return waiter.Task;
    }
}
