using Microsoft.Extensions.Logging.Abstractions;
using Transfers.Core.DurableTask;
using Transfers.Core.Ownership;
using Transfers.Testing;

namespace Transfers.Core.Tests.Ownership;

public sealed class OwnershipTransferOrchestrationTests
{
    private const string TransferId = "0123456789abcdef01234567";
    private static readonly DateTime s_now = new(2026, 11, 24, 8, 0, 0, DateTimeKind.Utc);
    private static readonly OwnershipTransferInput s_input = new(TransferId, s_now.AddDays(7), MaxParallelMoves: 2, ActivityMaxAttempts: 3, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task RunAsync_Accepted_MovesEveryChunkAndCompletesDone()
    {
        var harness = new Harness();
        OwnershipMoveChunk[] chunks = [new("flows", "a", "b", 2), new("exports", "c", "c", 1), new("imports", "d", "e", 2)];
        harness.Plan(chunks);
        harness.MoveReturns(_ => Task.FromResult(new MoveOwnershipChunkResult(1, 0)));
        harness.Returns(nameof(StartOwnershipTransferActivity), OwnershipTransferStatus.Started);
        harness.Returns(nameof(CompleteOwnershipTransferActivity), OwnershipTransferStatus.Done);
        harness.Accepted.SetResult(new InviteAccepted("invitee"));

        var status = await new OwnershipTransferOrchestration().RunAsync(harness.Context.Object, s_input);

        Assert.Equal(OwnershipTransferStatus.Done, status);
        Assert.Equal(chunks, harness.MovedChunks);
        Assert.True(harness.TimerToken.IsCancellationRequested);
        var complete = Assert.IsType<CompleteOwnershipTransferInput>(harness.InputOf(nameof(CompleteOwnershipTransferActivity)));
        Assert.Equal(new CompleteOwnershipTransferInput(TransferId, s_now, null), complete);
        Assert.Equal(
            [nameof(StartOwnershipTransferActivity), nameof(PlanOwnershipMovesActivity), nameof(MoveOwnershipChunkActivity), nameof(MoveOwnershipChunkActivity), nameof(MoveOwnershipChunkActivity), nameof(CompleteOwnershipTransferActivity), nameof(ReleaseOwnershipLocksActivity)],
            harness.Calls.Select(c => c.Name));
        Assert.All(harness.Calls, c => Assert.Equal(3, c.Retry?.MaxNumberOfAttempts));
    }

    [Fact]
    public async Task RunAsync_Dismissed_ReleasesLocksWithoutMoving()
    {
        var harness = new Harness();
        harness.Dismissed.SetResult(new InviteDismissed("invitee"));

        var status = await new OwnershipTransferOrchestration().RunAsync(harness.Context.Object, s_input);

        Assert.Equal(OwnershipTransferStatus.Canceled, status);
        Assert.Equal([nameof(ReleaseOwnershipLocksActivity)], harness.Calls.Select(c => c.Name));
        Assert.True(harness.TimerToken.IsCancellationRequested);
    }

    [Fact]
    public async Task RunAsync_Canceled_ReleasesLocksWithoutMoving()
    {
        var harness = new Harness();
        harness.Canceled.SetResult(new InviteCanceled("owner"));

        var status = await new OwnershipTransferOrchestration().RunAsync(harness.Context.Object, s_input);

        Assert.Equal(OwnershipTransferStatus.Canceled, status);
        Assert.Equal([nameof(ReleaseOwnershipLocksActivity)], harness.Calls.Select(c => c.Name));
        Assert.True(harness.TimerToken.IsCancellationRequested);
    }

    [Fact]
    public async Task RunAsync_TimerFiresFirst_ExpiresTheInvitationAtItsExpiry()
    {
        var harness = new Harness();
        harness.Returns(nameof(ExpireOwnershipInviteActivity), OwnershipTransferStatus.Canceled);
        harness.Timer.SetResult();

        var status = await new OwnershipTransferOrchestration().RunAsync(harness.Context.Object, s_input);

        Assert.Equal(OwnershipTransferStatus.Canceled, status);
        Assert.Equal(s_input.ExpiresAtUtc, harness.TimerFireAt);
        Assert.Equal([nameof(ExpireOwnershipInviteActivity), nameof(ReleaseOwnershipLocksActivity)], harness.Calls.Select(c => c.Name));
        Assert.Equal(TransferId, harness.InputOf(nameof(ExpireOwnershipInviteActivity)));
    }

    [Fact]
    public async Task RunAsync_TimerFiresAfterTheRecordWasAccepted_MovesAnyway()
    {
        var harness = new Harness();
        harness.Plan([new("flows", "a", "a", 1)]);
        harness.MoveReturns(_ => Task.FromResult(new MoveOwnershipChunkResult(1, 0)));
        harness.Returns(nameof(ExpireOwnershipInviteActivity), OwnershipTransferStatus.Queued);
        harness.Returns(nameof(StartOwnershipTransferActivity), OwnershipTransferStatus.Started);
        harness.Returns(nameof(CompleteOwnershipTransferActivity), OwnershipTransferStatus.Done);
        harness.Timer.SetResult();

        var status = await new OwnershipTransferOrchestration().RunAsync(harness.Context.Object, s_input);

        Assert.Equal(OwnershipTransferStatus.Done, status);
        Assert.Single(harness.MovedChunks);
    }

    [Fact]
    public async Task RunAsync_MoveFailsForGood_CompletesFailedWithTheReason()
    {
        var harness = new Harness();
        harness.Plan([new("flows", "a", "a", 1), new("exports", "b", "b", 1)]);
        harness.MoveReturns(chunk => chunk.Collection == "exports"
            ? Task.FromException<MoveOwnershipChunkResult>(new TaskFailedException(nameof(MoveOwnershipChunkActivity), new TaskFailureDetails("System.IO.IOException", "storage unavailable")))
            : Task.FromResult(new MoveOwnershipChunkResult(1, 0)));
        harness.Returns(nameof(StartOwnershipTransferActivity), OwnershipTransferStatus.Started);
        harness.Returns(nameof(CompleteOwnershipTransferActivity), OwnershipTransferStatus.Failed);
        harness.Accepted.SetResult(new InviteAccepted("invitee"));

        var status = await new OwnershipTransferOrchestration().RunAsync(harness.Context.Object, s_input);

        Assert.Equal(OwnershipTransferStatus.Failed, status);
        var complete = Assert.IsType<CompleteOwnershipTransferInput>(harness.InputOf(nameof(CompleteOwnershipTransferActivity)));
        Assert.Equal("storage unavailable", complete.Failure);
        Assert.Equal(nameof(ReleaseOwnershipLocksActivity), harness.Calls[^1].Name);
    }

    [Fact]
    public async Task RunAsync_PartialFailure_ReportsTheStatusTheCompletionRecorded()
    {
        var harness = new Harness();
        harness.Plan([new("flows", "a", "b", 2)]);
        harness.MoveReturns(_ => Task.FromResult(new MoveOwnershipChunkResult(1, 1)));
        harness.Returns(nameof(StartOwnershipTransferActivity), OwnershipTransferStatus.Started);
        harness.Returns(nameof(CompleteOwnershipTransferActivity), OwnershipTransferStatus.Failed);
        harness.Accepted.SetResult(new InviteAccepted("invitee"));

        var status = await new OwnershipTransferOrchestration().RunAsync(harness.Context.Object, s_input);

        Assert.Equal(OwnershipTransferStatus.Failed, status);
        var complete = Assert.IsType<CompleteOwnershipTransferInput>(harness.InputOf(nameof(CompleteOwnershipTransferActivity)));
        Assert.Null(complete.Failure);
    }

    [Fact]
    public async Task RunAsync_ManyChunks_KeepsAtMostMaxParallelMovesInFlight()
    {
        var harness = new Harness();
        var chunks = Enumerable.Range(0, 5).Select(i => new OwnershipMoveChunk("flows", $"{i}", $"{i}", 1)).ToArray();
        harness.Plan(chunks);
        var pending = new List<TaskCompletionSource<MoveOwnershipChunkResult>>();
        var mostInFlight = 0;
        harness.MoveReturns(_ =>
        {
            var move = new TaskCompletionSource<MoveOwnershipChunkResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            pending.Add(move);
            mostInFlight = Math.Max(mostInFlight, pending.Count(p => !p.Task.IsCompleted));
            return move.Task;
        });
        harness.Returns(nameof(StartOwnershipTransferActivity), OwnershipTransferStatus.Started);
        harness.Returns(nameof(CompleteOwnershipTransferActivity), OwnershipTransferStatus.Done);
        harness.Accepted.SetResult(new InviteAccepted("invitee"));

        var run = new OwnershipTransferOrchestration().RunAsync(harness.Context.Object, s_input);
        var startedAtFirst = pending.Count;
        pending[0].SetResult(new MoveOwnershipChunkResult(1, 0));
        await Eventually.MatchAsync(() => Task.FromResult(pending.Count), n => n == 3, TimeSpan.FromSeconds(5));
        for (var i = 1; i < chunks.Length; i++)
        {
            await Eventually.MatchAsync(() => Task.FromResult(pending.Count), n => n > i, TimeSpan.FromSeconds(5));
            pending[i].SetResult(new MoveOwnershipChunkResult(1, 0));
        }

        var status = await run;

        Assert.Equal(2, startedAtFirst);
        Assert.Equal(2, mostInFlight);
        Assert.Equal(OwnershipTransferStatus.Done, status);
        Assert.Equal(chunks, harness.MovedChunks);
    }

    /// <summary>A mocked orchestration context whose events, timer and activities the test controls.</summary>
    private sealed class Harness
    {
        private readonly Dictionary<string, object> _results = new(StringComparer.Ordinal);
        private Func<OwnershipMoveChunk, Task<MoveOwnershipChunkResult>> _move = _ => throw new InvalidOperationException("No move expected.");

        public Harness()
        {
            Context.SetupGet(c => c.InstanceId).Returns(OwnershipTransferOrchestration.InstanceIdFor(TransferId));
            Context.SetupGet(c => c.CurrentUtcDateTime).Returns(s_now);
            Context.Setup(c => c.CreateReplaySafeLogger(It.IsAny<string>())).Returns(NullLogger.Instance);
            Context.Setup(c => c.WaitForExternalEvent<InviteAccepted>(OwnershipEvents.Accepted, It.IsAny<CancellationToken>())).Returns(Accepted.Task);
            Context.Setup(c => c.WaitForExternalEvent<InviteDismissed>(OwnershipEvents.Dismissed, It.IsAny<CancellationToken>())).Returns(Dismissed.Task);
            Context.Setup(c => c.WaitForExternalEvent<InviteCanceled>(OwnershipEvents.Canceled, It.IsAny<CancellationToken>())).Returns(Canceled.Task);
            Context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
                .Callback<DateTime, CancellationToken>((at, token) => (TimerFireAt, TimerToken) = (at, token))
                .Returns(Timer.Task);
            Context.Setup(c => c.CallActivityAsync<string>(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
                .Returns<string, object?, RetryPolicy?>((name, input, retry) => Record(name, input, retry, () => Task.FromResult((string)_results[name])));
            Context.Setup(c => c.CallActivityAsync<IReadOnlyList<OwnershipMoveChunk>>(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
                .Returns<string, object?, RetryPolicy?>((name, input, retry) => Record(name, input, retry, () => Task.FromResult((IReadOnlyList<OwnershipMoveChunk>)_results[name])));
            Context.Setup(c => c.CallActivityAsync<MoveOwnershipChunkResult>(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
                .Returns<string, object?, RetryPolicy?>((name, input, retry) => Record(name, input, retry, () =>
                {
                    var chunk = ((MoveOwnershipChunkInput)input!).Chunk;
                    MovedChunks.Add(chunk);
                    return _move(chunk);
                }));
            Context.Setup(c => c.CallActivityAsync<bool>(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<RetryPolicy?>()))
                .Returns<string, object?, RetryPolicy?>((name, input, retry) => Record(name, input, retry, () => Task.FromResult(true)));
        }

        public Mock<IOrchestrationContext> Context { get; } = new();

        public TaskCompletionSource<InviteAccepted> Accepted { get; } = new();

        public TaskCompletionSource<InviteDismissed> Dismissed { get; } = new();

        public TaskCompletionSource<InviteCanceled> Canceled { get; } = new();

        public TaskCompletionSource Timer { get; } = new();

        public DateTime TimerFireAt { get; private set; }

        public CancellationToken TimerToken { get; private set; }

        public List<(string Name, object? Input, RetryPolicy? Retry)> Calls { get; } = [];

        public List<OwnershipMoveChunk> MovedChunks { get; } = [];

        public void Returns(string activity, string status) => _results[activity] = status;

        public void Plan(IReadOnlyList<OwnershipMoveChunk> chunks) => _results[nameof(PlanOwnershipMovesActivity)] = chunks;

        public void MoveReturns(Func<OwnershipMoveChunk, Task<MoveOwnershipChunkResult>> move) => _move = move;

        public object? InputOf(string activity) => Calls.Single(c => c.Name == activity).Input;

        private Task<T> Record<T>(string name, object? input, RetryPolicy? retry, Func<Task<T>> result)
        {
            Calls.Add((name, input, retry));
            return result();
        }
    }
}
