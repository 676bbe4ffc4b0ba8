using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Reconciliation;

namespace Transfers.Core.Tests.Reconciliation;

public sealed class TransferReconcilerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private readonly Mock<IDurableClient> _durable = new();
    private readonly Mock<FamilyReconciler> _family = new();
    private readonly Mock<TimeProvider> _time = new();

    public TransferReconcilerTests()
    {
        _family.SetupGet(f => f.Family).Returns("test");
        _family.Setup(f => f.InstanceId(It.IsAny<ActiveRecord>())).Returns<ActiveRecord>(r => "i-" + r.RowKey);
        _time.Setup(t => t.GetUtcNow()).Returns(Now);
    }

    [Fact]
    public async Task ReconcileOnce_EachOrchestrationState_TakesTheMatchingRepairAndLeavesRunningOnesAlone()
    {
        // Arrange: one record per state of its orchestration
        List(Record("missing"), Record("running"), Record("terminated"), Record("failed"), Record("completed"));
        Instance("running", OrchestrationRuntimeStatus.Suspended);
        Instance("terminated", OrchestrationRuntimeStatus.Terminated, output: "\"by hand\"");
        Instance("failed", OrchestrationRuntimeStatus.Failed, failure: new TaskFailureDetails("System.InvalidOperationException", "the disk is full"));
        Instance("completed", OrchestrationRuntimeStatus.Completed, output: "\"done\"");
        _family.Setup(f => f.RescheduleAsync(_durable.Object, It.IsAny<ActiveRecord>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _family.Setup(f => f.FailAsync(It.IsAny<ActiveRecord>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _family.Setup(f => f.FinishAsync(It.IsAny<ActiveRecord>(), It.IsAny<OrchestrationMetadata>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        // Act
        var report = await Reconciler().ReconcileOnceAsync(_durable.Object);

        // Assert
        Assert.Equal(new ReconcileReport(5, 4, 0), report);
        _family.Verify(f => f.RescheduleAsync(_durable.Object, It.Is<ActiveRecord>(r => r.RowKey == "missing"), It.IsAny<CancellationToken>()), Times.Once);
        _family.Verify(f => f.FailAsync(It.Is<ActiveRecord>(r => r.RowKey == "terminated"), "Its orchestration was terminated (reason: by hand).", It.IsAny<CancellationToken>()), Times.Once);
        _family.Verify(f => f.FailAsync(It.Is<ActiveRecord>(r => r.RowKey == "failed"), "Its orchestration failed: the disk is full.", It.IsAny<CancellationToken>()), Times.Once);
        _family.Verify(f => f.FinishAsync(It.Is<ActiveRecord>(r => r.RowKey == "completed"), It.Is<OrchestrationMetadata>(m => m.SerializedOutput == "\"done\""), It.IsAny<CancellationToken>()), Times.Once);
        _family.Verify(f => f.FailAsync(It.Is<ActiveRecord>(r => r.RowKey == "running"), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ReconcileOnce_RecordChangedSinceListedOrUnreadable_SkipsItAndRepairsTheNext()
    {
        // Arrange
        List(Record("changed"), Record("unreadable"), Record("ok"));
        _family.Setup(f => f.RescheduleAsync(_durable.Object, It.Is<ActiveRecord>(r => r.RowKey == "changed"), It.IsAny<CancellationToken>())).ReturnsAsync(false);
        Instance("unreadable", OrchestrationRuntimeStatus.Terminated);
        _family.Setup(f => f.FailAsync(It.Is<ActiveRecord>(r => r.RowKey == "unreadable"), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "server busy"));
        Instance("ok", OrchestrationRuntimeStatus.Failed);
        _family.Setup(f => f.FailAsync(It.Is<ActiveRecord>(r => r.RowKey == "ok"), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        // Act
        var report = await Reconciler().ReconcileOnceAsync(_durable.Object);

        // Assert: a reschedule that finds the record changed (or the orchestration back) is no repair and no skip
        Assert.Equal(new ReconcileReport(3, 1, 1), report);
    }

    [Fact]
    public async Task ReconcileOnce_RecordChangedWithinTheGrace_IsNotChecked()
    {
        // Arrange
        List(Record("settled", Now.AddSeconds(-11)), Record("fresh", Now.AddSeconds(-9)));

        // Act
        var report = await Reconciler(grace: TimeSpan.FromSeconds(10)).ReconcileOnceAsync(_durable.Object);

        // Assert
        Assert.Equal(1, report.Checked);
        _durable.Verify(d => d.GetInstanceAsync("i-settled", false, It.IsAny<CancellationToken>()), Times.Once);
        _durable.Verify(d => d.GetInstanceAsync("i-fresh", It.IsAny<bool>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ReconcileIfDue_CalledAgainWithinTheInterval_RunsOnePassUntilTheIntervalPassed()
    {
        // Arrange
        List();
        var reconciler = Reconciler(interval: TimeSpan.FromMinutes(1));

        // Act
        var first = await reconciler.ReconcileIfDueAsync(_durable.Object);
        _time.Setup(t => t.GetUtcNow()).Returns(Now.AddSeconds(50));
        var early = await reconciler.ReconcileIfDueAsync(_durable.Object);
        _time.Setup(t => t.GetUtcNow()).Returns(Now.AddSeconds(60));
        var due = await reconciler.ReconcileIfDueAsync(_durable.Object);

        // Assert
        Assert.NotNull(first);
        Assert.Null(early);
        Assert.NotNull(due);
        _family.Verify(f => f.ListActiveAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task ReconcileIfDue_Disabled_RunsNoPass()
    {
        List(Record("missing"));

        var report = await Reconciler(enabled: false).ReconcileIfDueAsync(_durable.Object);

        Assert.Null(report);
        _family.Verify(f => f.ListActiveAsync(It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(null, "Its orchestration was terminated (no reason given).")]
    [InlineData("null", "Its orchestration was terminated (no reason given).")]
    [InlineData("\"\"", "Its orchestration was terminated (no reason given).")]
    [InlineData("{\"by\":\"ops\"}", "Its orchestration was terminated (reason: {\"by\":\"ops\"}).")]
    public void DescribeEnd_TerminatedWithOrWithoutAReason_SaysSo(string? output, string expected)
    {
        var instance = Metadata("x", OrchestrationRuntimeStatus.Terminated, output, null);

        Assert.Equal(expected, TransferReconciler.DescribeEnd(instance));
    }

    private static ActiveRecord Record(string key, DateTimeOffset? changedAt = null) => new("p", key, "active", "W/\"1\"", changedAt ?? Now.AddMinutes(-5));

    private static OrchestrationMetadata Metadata(string id, OrchestrationRuntimeStatus status, string? output, TaskFailureDetails? failure) => new()
    {
        Name = "Work",
        InstanceId = id,
        RuntimeStatus = status,
        CreatedAt = Now.AddHours(-1),
        LastUpdatedAt = Now.AddMinutes(-1),
        SerializedOutput = output,
        FailureDetails = failure,
    };

    private static async IAsyncEnumerable<IReadOnlyList<ActiveRecord>> Pages(IReadOnlyList<ActiveRecord> records)
    {
        await Task.Yield();

        // Two pages, so that a pass is seen to go on past the first.
        yield return [.. records.Take(1)];
        yield return [.. records.Skip(1)];
    }

    private void List(params ActiveRecord[] records) =>
        _family.Setup(f => f.ListActiveAsync(It.IsAny<int>(), It.IsAny<CancellationToken>())).Returns(() => Pages(records));

    private void Instance(string key, OrchestrationRuntimeStatus status, string? output = null, TaskFailureDetails? failure = null)
    {
        var metadata = Metadata("i-" + key, status, output, failure);
        _durable.Setup(d => d.GetInstanceAsync("i-" + key, It.IsAny<bool>(), It.IsAny<CancellationToken>())).ReturnsAsync(metadata);
    }

    private TransferReconciler Reconciler(TimeSpan? grace = null, TimeSpan? interval = null, bool enabled = true)
    {
        var options = new ReconcileOptions { Grace = grace ?? TimeSpan.Zero, Interval = interval ?? TimeSpan.FromMinutes(1), Enabled = enabled };
        return new TransferReconciler([_family.Object], Mock.Of<IOptionsMonitor<ReconcileOptions>>(o => o.CurrentValue == options), _time.Object, NullLogger<TransferReconciler>.Instance);
    }
}
