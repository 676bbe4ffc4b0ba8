using Transfers.Core.DurableTask;
using Transfers.Core.Exports;
using Transfers.Core.Tabular;
using Transfers.Testing;

namespace Transfers.Core.Tests.Exports;

public sealed class ExportTransferOrchestrationTests
{
    private static readonly DateTime s_now = new(2024, 6, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly ExportTransferInput s_input = new("acme", "tr000000000000000000000001");
    private static readonly ExportWindow s_window = new(DateTimeOffset.UnixEpoch, new DateTimeOffset(s_now));

    // What a RequestFailedException's message holds: the service's text, status, code, then content and headers.
    private static readonly TaskFailureDetails s_tableMissing = new(
        "Azure.RequestFailedException",
        "The table specified does not exist.\nRequestId:5c1ad4f3-0f7c-4b5e-9f11-2a9bd1f0c0aa\nTime:2024-06-01T12:00:00.0000000Z\r\n" +
        "Status: 404 (Not Found)\r\nErrorCode: TableNotFound\r\n\r\nContent:\r\n{\"odata.error\":{}}\r\n\r\nHeaders:\r\nServer: Azurite-Table/3.37.0\r\nx-ms-request-id: 5c1ad4f3\r\n");

    private readonly Mock<IOrchestrationContext> _context = new(MockBehavior.Strict);
    private readonly List<ExportChunkInput> _chunks = [];
    private readonly List<RecordExportModelResultInput> _results = [];
    private readonly List<WriteExportManifestInput> _manifests = [];
    private readonly List<FinishExportInput> _finished = [];
    private int _maxChunksInFlight;

    public ExportTransferOrchestrationTests()
    {
        _context.SetupGet(c => c.CurrentUtcDateTime).Returns(s_now);
        _context.Setup(c => c.CallActivityAsync(nameof(RecordExportModelResultActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Callback<string, object?, RetryPolicy?>((_, i, _) => _results.Add((RecordExportModelResultInput)i!))
            .Returns(Task.CompletedTask);
        _context.Setup(c => c.CallActivityAsync(nameof(FinishExportActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Callback<string, object?, RetryPolicy?>((_, i, _) => _finished.Add((FinishExportInput)i!))
            .Returns(Task.CompletedTask);
        _context.Setup(c => c.CallActivityAsync(nameof(WriteExportManifestActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .Callback<string, object?, RetryPolicy?>((_, i, _) => _manifests.Add((WriteExportManifestInput)i!))
            .Returns(Task.CompletedTask);
        SetupTurns(new ExportTurn(true, true, false, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task RunAsync_TwoModels_ExportsEveryChunkWritesManifestsAndSucceeds()
    {
        SetupPlan(Blob, "a", "b");
        SetupChunks(model => model == "a" ? 3 : 1);

        var status = await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(ExportStatus.Success, status);
        Assert.Equal([0, 1, 2], _chunks.Where(c => c.Model.ModelName == "a").Select(c => c.ChunkIndex));
        Assert.Equal([null, "a-1", "a-2"], _chunks.Where(c => c.Model.ModelName == "a").Select(c => c.ContinuationToken));
        Assert.Equal([0L, 10L, 20L], _chunks.Where(c => c.Model.ModelName == "a").Select(c => c.RowsBefore));
        Assert.Single(_chunks, c => c.Model.ModelName == "b");
        Assert.Equal(3, _manifests.Single(m => m.Model.ModelName == "a").Files.Count);
        Assert.All(_results, r => Assert.Equal(ExportStatus.Success, r.Metrics.Status));
        Assert.Equal(30, _results.Single(r => r.Metrics.ModelName == "a").Metrics.RowsTransferred);
        Assert.Empty(_results.Single(r => r.Metrics.ModelName == "a").Metrics.Files); // files are listed by the activities that write them, not carried in history
        Assert.Equal(ExportStatus.Success, _finished.Single().Status);
    }

    [Fact]
    public async Task RunAsync_TableDestination_WritesNoManifest()
    {
        SetupPlan(Table, "a");
        SetupChunks(_ => 2);

        var status = await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(ExportStatus.Success, status);
        Assert.Empty(_manifests);
        Assert.Equal(2, _chunks.Count);
    }

    [Fact]
    public async Task RunAsync_OneModelFails_PartialFailureAndOnlyTheGoodModelSucceeds()
    {
        SetupPlan(Blob, "good", "bad");
        SetupChunks(model => model == "bad" ? -1 : 1);

        var status = await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(ExportStatus.PartialFailure, status);
        Assert.Equal(ExportStatus.Success, _results.Single(r => r.Metrics.ModelName == "good").Metrics.Status);
        var bad = _results.Single(r => r.Metrics.ModelName == "bad").Metrics;
        Assert.Equal(ExportStatus.Error, bad.Status);
        Assert.Equal("Exporting chunk 0 failed: the storage service answered 404 (TableNotFound).", bad.Error);
        Assert.DoesNotContain(_manifests, m => m.Model.ModelName == "bad");
        Assert.Equal(ExportStatus.PartialFailure, _finished.Single().Status);
    }

    [Fact]
    public async Task RunAsync_AllModelsFail_Error()
    {
        SetupPlan(Blob, "a", "b");
        SetupChunks(_ => -1);

        var status = await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(ExportStatus.Error, status);
        Assert.Equal(ExportStatus.Error, _finished.Single().Status);
    }

    [Fact]
    public async Task RunAsync_CancelRequestedAfterFirstChunk_StopsBetweenChunksAndCancels()
    {
        SetupPlan(Blob, "a");
        SetupChunks(_ => 5, cancelAfterFirst: true);

        var status = await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(ExportStatus.Cancelled, status);
        Assert.Single(_chunks);
        Assert.Empty(_manifests);
        Assert.Equal(ExportStatus.Cancelled, _results.Single().Metrics.Status);
        Assert.Equal(ExportStatus.Cancelled, _finished.Single().Status);
    }

    [Fact]
    public async Task RunAsync_NotItsTurn_WaitsOnDurableTimerThenRuns()
    {
        SetupTurns(new ExportTurn(true, false, false, TimeSpan.FromSeconds(3)), new ExportTurn(true, true, false, TimeSpan.FromSeconds(3)));
        _context.Setup(c => c.CreateTimer(s_now.AddSeconds(3), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        SetupPlan(Blob, "a");
        SetupChunks(_ => 1);

        var status = await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(ExportStatus.Success, status);
        _context.Verify(c => c.CreateTimer(s_now.AddSeconds(3), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileQueued_FinishesWithoutStarting()
    {
        SetupTurns(new ExportTurn(true, false, true, TimeSpan.FromSeconds(1)));

        var status = await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(ExportStatus.Cancelled, status);
        Assert.Equal(ExportStatus.Cancelled, _finished.Single().Status);
        _context.Verify(c => c.CallActivityAsync<ExportPlan>(nameof(StartExportActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_EndedBeforeItsOrchestrationClaimedIt_ReturnsThatStatusAndDoesNothing()
    {
        SetupTurns(new ExportTurn(true, false, false, TimeSpan.FromSeconds(1), ExportStatus.Cancelled));

        var status = await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(ExportStatus.Cancelled, status);
        Assert.Empty(_finished);
        _context.Verify(c => c.CallActivityAsync<ExportPlan>(nameof(StartExportActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_StartFails_FinishesErrorWithShortStorageMessage()
    {
        _context.Setup(c => c.CallActivityAsync<ExportPlan>(nameof(StartExportActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .ThrowsAsync(new TaskFailedException(nameof(StartExportActivity), s_tableMissing));

        var status = await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(ExportStatus.Error, status);
        Assert.Equal(ExportStatus.Error, _finished.Single().Status);
        Assert.Equal("Starting the transfer failed: the storage service answered 404 (TableNotFound).", _finished.Single().Error);
    }

    [Fact]
    public async Task RunAsync_DestinationGone_FinishesErrorSayingSo()
    {
        _context.Setup(c => c.CallActivityAsync<ExportPlan>(nameof(StartExportActivity), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
            .ReturnsAsync(new ExportPlan("The destination no longer exists.", null, [], true, 1, 1, 1, TimeSpan.FromSeconds(1)));

        var status = await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(ExportStatus.Error, status);
        Assert.Equal("The destination no longer exists.", _finished.Single().Error);
    }

    [Fact]
    public async Task RunAsync_DebugMode_AsksForEachModelsEndInTheDebugLog()
    {
        SetupPlan(Blob, ["a", "b"], maxParallel: 8, isDebugMode: true);
        SetupChunks(_ => 1);

        await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(2, _results.Count);
        Assert.All(_results, r => Assert.True(r.IsDebugMode));
    }

    [Fact]
    public async Task RunAsync_MoreModelsThanParallelism_RunsAllModels()
    {
        SetupPlan(Blob, ["a", "b", "c", "d", "e"], maxParallel: 2);
        SetupChunks(_ => 1);

        var status = await new ExportTransferOrchestration().RunAsync(_context.Object, s_input);

        Assert.Equal(ExportStatus.Success, status);
        Assert.Equal(["a", "b", "c", "d", "e"], _results.Select(r => r.Metrics.ModelName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ModelInThreeKeyRanges_ReadsRangesInParallelUpToTheBoundEachAlongItsOwnTokens()
    {
        var ranges = SetupOneModelInThreeKeyRanges();
        var pending = SetupPendingChunks();

        var run = new ExportTransferOrchestration().RunAsync(_context.Object, s_input);
        await WaitForChunksAsync(2);
        pending[1].SetResult(Chunk(_chunks[1], "t1"));
        await WaitForChunksAsync(3);
        pending[0].SetResult(Chunk(_chunks[0], null));
        await WaitForChunksAsync(4);
        pending[2].SetResult(Chunk(_chunks[2], null));
        pending[3].SetResult(Chunk(_chunks[3], null));
        var status = await run;

        Assert.Equal(ExportStatus.Success, status);
        Assert.Equal([0, 1, 2, 3], _chunks.Select(c => c.ChunkIndex));
        Assert.Equal([ranges[0], ranges[1], ranges[2], ranges[1]], _chunks.Select(c => c.KeyRange));
        Assert.Equal([null, null, null, "t1"], _chunks.Select(c => c.ContinuationToken));
        Assert.Equal(20, _chunks[3].RowsBefore);
        Assert.Equal(2, _maxChunksInFlight);
        Assert.Equal(["part-0", "part-1", "part-2", "part-3"], _manifests.Single().Files.Select(f => f.Path[^6..]));
        Assert.Equal(40, _results.Single().Metrics.RowsTransferred);
    }

    [Fact]
    public async Task RunAsync_OneKeyRangeFails_ModelErrorsWithoutManifestAndSchedulesNothingMore()
    {
        SetupOneModelInThreeKeyRanges();
        var pending = SetupPendingChunks();

        var run = new ExportTransferOrchestration().RunAsync(_context.Object, s_input);
        await WaitForChunksAsync(2);
        pending[0].SetException(new TaskFailedException(nameof(ExportChunkActivity), new TaskFailureDetails(typeof(InvalidOperationException).FullName!, "range lost")));
        pending[1].SetResult(Chunk(_chunks[1], "t1"));
        var status = await run;

        Assert.Equal(ExportStatus.Error, status);
        Assert.Equal(2, _chunks.Count);
        Assert.Empty(_manifests);
        var metrics = _results.Single().Metrics;
        Assert.Equal(ExportStatus.Error, metrics.Status);
        Assert.Equal("Exporting chunk 0 failed: range lost", metrics.Error);
    }

    [Fact]
    public async Task RunAsync_CancelRequestedWhileRangesWait_StopsSchedulingAndCancels()
    {
        SetupOneModelInThreeKeyRanges();
        var pending = SetupPendingChunks();

        var run = new ExportTransferOrchestration().RunAsync(_context.Object, s_input);
        await WaitForChunksAsync(2);
        pending[0].SetResult(Chunk(_chunks[0], null) with { CancelRequested = true });
        pending[1].SetResult(Chunk(_chunks[1], null) with { CancelRequested = true });
        var status = await run;

        Assert.Equal(ExportStatus.Cancelled, status);
        Assert.Equal(2, _chunks.Count);
        Assert.Empty(_manifests);
        Assert.Equal(ExportStatus.Cancelled, _results.Single().Metrics.Status);
    }

    [Theory]
    [InlineData(new string[0], "SUCCESS")]
    [InlineData(new[] { "SUCCESS", "ERROR" }, "PARTIAL_FAILURE")]
    [InlineData(new[] { "ERROR" }, "ERROR")]
    [InlineData(new[] { "SUCCESS", "CANCELLED" }, "CANCELLED")]
    public void Combine_ModelStatuses_GiveTransferStatus(string[] statuses, string expected)
    {
        Assert.Equal(expected, ExportTransferOrchestration.Combine(statuses));
    }

    private static ExportTarget Blob => new("dst_1", ExportVendors.AzureBlobStorage, "default", "out", null, "feed", RowFileFormat.Jsonl, RowFileCompression.Gzip);

    private static ExportTarget Table => new("dst_1", ExportVendors.AzureTableStorage, "default", null, "pre", string.Empty, RowFileFormat.Jsonl, RowFileCompression.None);

    private void SetupTurns(params ExportTurn[] turns)
    {
        var queue = new Queue<ExportTurn>(turns);
        _context.Setup(c => c.CallActivityAsync<ExportTurn>(nameof(CheckExportTurnActivity), s_input, It.IsAny<RetryPolicy?>()))
            .Returns(() => Task.FromResult(queue.Count > 1 ? queue.Dequeue() : queue.Peek()));
    }

    /// <summary>Plans one blob model split into three key ranges, read two at a time.</summary>
    private TableKeyRange[] SetupOneModelInThreeKeyRanges()
    {
        TableKeyRange[] ranges = [new(null, "k"), new("k", "t"), new("t", null)];
        SetupPlan(Blob, ["a"], maxParallel: 8, ranges, maxParallelChunks: 2);
        return ranges;
    }

    private void SetupPlan(ExportTarget destination, params string[] models) => SetupPlan(destination, models, maxParallel: 8);

    private void SetupPlan(ExportTarget destination, string[] models, int maxParallel, IReadOnlyList<TableKeyRange>? ranges = null, int maxParallelChunks = 1, bool isDebugMode = false)
    {
        var plan = new ExportPlan(
            null,
            destination,
            [.. models.Select(m => new ExportModelPlan(m, "src" + m, "default", ["id"], "last_updated_at", null, s_window, ranges))],
            isDebugMode,
            RowsPerChunk: 10,
            maxParallel,
            MaxAttempts: 3,
            TimeSpan.FromSeconds(1),
            maxParallelChunks);
        _context.Setup(c => c.CallActivityAsync<ExportPlan>(nameof(StartExportActivity), It.Is<object?>(i => ((StartExportInput)i!).StartedAt == new DateTimeOffset(s_now)), It.IsAny<RetryPolicy?>()))
            .ReturnsAsync(plan);
    }

    /// <summary>Each model has the given number of 10-row chunks; a negative count makes its first chunk fail.</summary>
    private void SetupChunks(Func<string, int> chunksOf, bool cancelAfterFirst = false)
    {
        _context.Setup(c => c.CallActivityAsync<ExportChunkResult>(nameof(ExportChunkActivity), It.IsAny<object?>(), It.IsNotNull<RetryPolicy?>()))
            .Returns<string, object?, RetryPolicy?>((_, i, _) =>
            {
                var input = (ExportChunkInput)i!;
                _chunks.Add(input);
                var count = chunksOf(input.Model.ModelName);
                if (count < 0)
                {
                    return Task.FromException<ExportChunkResult>(new TaskFailedException(nameof(ExportChunkActivity), s_tableMissing));
                }

                var last = input.ChunkIndex == count - 1;
                var file = new ExportFile($"feed/{input.Model.ModelName}/part-{input.ChunkIndex}", 10, 100, "sha");
                return Task.FromResult(new ExportChunkResult(10, 100, file, last ? null : $"{input.Model.ModelName}-{input.ChunkIndex + 1}", cancelAfterFirst));
            });
    }

    /// <summary>Chunks complete only when the test says so; records how many were ever scheduled and not yet completed.</summary>
    private List<TaskCompletionSource<ExportChunkResult>> SetupPendingChunks()
    {
        var pending = new List<TaskCompletionSource<ExportChunkResult>>();
        _context.Setup(c => c.CallActivityAsync<ExportChunkResult>(nameof(ExportChunkActivity), It.IsAny<object?>(), It.IsNotNull<RetryPolicy?>()))
            .Returns<string, object?, RetryPolicy?>((_, i, _) =>
            {
                _chunks.Add((ExportChunkInput)i!);
                var source = new TaskCompletionSource<ExportChunkResult>();
                pending.Add(source);
                _maxChunksInFlight = Math.Max(_maxChunksInFlight, pending.Count(p => !p.Task.IsCompleted));
                return source.Task;
            });
        return pending;
    }

    private static ExportChunkResult Chunk(ExportChunkInput input, string? nextToken) =>
        new(10, 100, new ExportFile($"feed/{input.Model.ModelName}/part-{input.ChunkIndex}", 10, 100, "sha"), nextToken, false);

    private async Task WaitForChunksAsync(int count) =>
        await Eventually.MatchAsync(() => Task.FromResult(_chunks.Count), c => c >= count, TimeSpan.FromSeconds(10));
}
