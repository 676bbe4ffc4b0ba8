using Transfers.Core.DurableTask;
using Transfers.Durable.Engine;
using Transfers.Durable.Replay;
using Transfers.Durable.Storage;

namespace Transfers.Durable.Tests;

/// <summary>What one step commits: always one transaction, whatever the inbox and the episode hold.</summary>
public sealed class StepTests
{
    private const int Generation = 3;
    private const int MaxMessagesPerStep = 40;
    private static readonly DateTime Now = new(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    public enum Ending
    {
        Terminated,
        Failed,
        Completed,
        ScheduledMany,
        ContinuedAsNew,
    }

    [Fact]
    public void Build_ContinueAsNewWithMoreEventsThanFit_CarriesAFullTransactionAndKeepsItsGeneration()
    {
        // Arrange
        var step = StepWith(Instance(), Events(30));
        step.Episode = ContinuedAsNew(150);

        // Act
        var commit = step.Build();

        // Assert: what the step consumed stays in history, so that the next step's replay reaches the same ContinueAsNew.
        Assert.Equal(HubStore.MaxBatch, commit.Count);
        Assert.Equal(Generation, commit.Instance.Generation);
        Assert.Equal(OrchestrationRuntimeStatus.Running, commit.Instance.Status);
        Assert.True(commit.Instance.NeedsStep);
        Assert.Equal(commit.AddInbox.Count, commit.Instance.Carried);
        Assert.Equal(new DateTimeOffset(Now), commit.Instance.CarryAt);
        Assert.Equal(step.NewEvents, commit.History.Select(h => h.Event));
        Assert.Equal(Enumerable.Range(0, commit.AddInbox.Count).Select(i => $"\"e{i}\""), commit.AddInbox.Select(m => m.Data));
        Assert.All(commit.AddInbox, m => Assert.Equal(Generation + 1, m.Generation));
    }

    [Fact]
    public void Build_CarryResumedAfterAChunk_CarriesTheRestInOrderAndStartsTheNextGeneration()
    {
        // Arrange: the first chunk was committed (perhaps by a process that died since); its row says how far it got.
        var at = new DateTimeOffset(Now.AddSeconds(-1));
        var step = StepWith(Instance() with { Carried = 97, CarryAt = at, HistoryCount = 40 }, []);
        step.Episode = ContinuedAsNew(150);

        // Act
        var commit = step.Build();

        // Assert
        Assert.Equal(Generation + 1, commit.Instance.Generation);
        Assert.Equal(0, commit.Instance.HistoryCount);
        Assert.Equal("\"next\"", commit.Instance.Input);
        Assert.Null(commit.Instance.Carried);
        Assert.Null(commit.Instance.CarryAt);
        Assert.Empty(commit.History);
        Assert.Equal(Enumerable.Range(97, 53).Select(i => $"\"e{i}\""), commit.AddInbox.Select(m => m.Data));
        Assert.All(commit.AddInbox, m => Assert.StartsWith($"i|e|{at.UtcTicks:D19}|", m.RowKey, StringComparison.Ordinal));
        Assert.Equal(commit.AddInbox.Select(m => m.RowKey).Order(StringComparer.Ordinal), commit.AddInbox.Select(m => m.RowKey));
    }

    [Fact]
    public void Build_CarryingButReplayNoLongerContinuesAsNew_FailsAsNonDeterministic()
    {
        // Arrange
        var step = StepWith(Instance() with { Carried = 97, CarryAt = new DateTimeOffset(Now) }, []);
        step.Episode = new EpisodeResult { Outcome = EpisodeOutcome.Completed, Output = "1" };

        // Act
        var commit = step.Build();

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Failed, commit.Instance.Status);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, commit.Instance.Failure!.ErrorType);
        Assert.Contains("97 events", commit.Instance.Failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(commit.AddInbox);
    }

    [Theory]
    [InlineData(Ending.Terminated)]
    [InlineData(Ending.Failed)]
    [InlineData(Ending.Completed)]
    [InlineData(Ending.ScheduledMany)]
    [InlineData(Ending.ContinuedAsNew)]
    public void Build_FullInboxOfControlsAndMessages_FitsOneTransaction(Ending ending)
    {
        // Arrange: as many messages as a step may read, half of them suspend/resume pairs (each a history event and a
        // deletion), a parent to notify and old history to clean up, which takes whatever room is left.
        var controls = Enumerable.Range(0, MaxMessagesPerStep / 2)
            .Select(i => new InboxMessage($"i|0|{i:D4}", i % 2 == 0 ? InboxKind.Suspend : InboxKind.Resume, Generation, -1, null, null))
            .ToList();
        if (ending == Ending.Terminated)
        {
            controls[^1] = controls[^1] with { Kind = InboxKind.Terminate, Data = "\"stop\"" };
        }

        var instance = Instance() with { ParentId = "parent", StaleHistory = "1:0:500" };
        var step = new Step(instance, [new HistoryEvent(HistoryEventType.ExecutionStarted, Now)], Now);
        step.ApplyControl(controls);
        if (ending != Ending.Terminated)
        {
            step.AddMessages(Events(MaxMessagesPerStep / 2));
            step.Episode = ending switch
            {
                Ending.Failed => new EpisodeResult { Outcome = EpisodeOutcome.Failed, Failure = new TaskFailureDetails("E", "boom") },
                Ending.Completed => new EpisodeResult { Outcome = EpisodeOutcome.Completed, Output = "1" },
                Ending.ScheduledMany => new EpisodeResult
                {
                    Outcome = EpisodeOutcome.Running,
                    Actions = [.. Enumerable.Range(0, 200).Select(i => new OrchestrationAction(i, HistoryEventType.TaskScheduled, "Echo", null, default, null))],
                },
                _ => ContinuedAsNew(1000),
            };
        }

        // Act
        var commit = step.Build();

        // Assert
        Assert.InRange(commit.Count, 1, HubStore.MaxBatch);
        Assert.Equal(MaxMessagesPerStep / 2 + (ending == Ending.Terminated ? 0 : MaxMessagesPerStep / 2), commit.Delete.Count(k => k.StartsWith("i|", StringComparison.Ordinal)));
        Assert.Equal(
            ending switch
            {
                Ending.Terminated => OrchestrationRuntimeStatus.Terminated,
                Ending.Failed => OrchestrationRuntimeStatus.Failed,
                Ending.Completed => OrchestrationRuntimeStatus.Completed,
                _ => OrchestrationRuntimeStatus.Running,
            },
            commit.Instance.Status);
    }

    private static InstanceRecord Instance() => new()
    {
        InstanceId = "step-test",
        Name = "Any",
        Status = OrchestrationRuntimeStatus.Running,
        Generation = Generation,
        HistoryCount = 10,
    };

    private static Step StepWith(InstanceRecord instance, List<InboxMessage> messages)
    {
        var step = new Step(instance, [new HistoryEvent(HistoryEventType.ExecutionStarted, Now)], Now);
        step.ApplyControl([]);
        step.AddMessages(messages);
        return step;
    }

    private static List<InboxMessage> Events(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new InboxMessage($"i|e|{i:D19}", InboxKind.Event, Generation, -1, "item", $"{i}"))];

    private static EpisodeResult ContinuedAsNew(int unconsumed) => new()
    {
        Outcome = EpisodeOutcome.ContinuedAsNew,
        Output = "\"next\"",
        UnconsumedEvents = [.. Enumerable.Range(0, unconsumed).Select(i => ("item", (string?)$"\"e{i}\""))],
    };
}
