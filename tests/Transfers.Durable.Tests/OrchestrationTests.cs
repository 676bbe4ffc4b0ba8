using System.Globalization;
using Azure.Storage.Blobs.Models;
using Transfers.Core.DurableTask;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

/// <summary>The tests, run on both backends by the derived classes (Durable Task is the reference).</summary>
public abstract class OrchestrationTests(EngineHost host)
{
    private readonly EngineHost _host = host;

    /// <summary>Asserts that the instance's input went to the backend's large-payload store.</summary>
    protected abstract Task AssertInputOffloadedAsync(string instanceId);

    [Fact]
    public async Task CallActivityAsync_SequenceOfFive_CompletesWithSumAndRunsEachOnce()
    {
        // Arrange
        var id = Azurite.UniqueName("seq");

        // Act
        var result = await _host.RunAsync(nameof(Sequence), "x", id);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(5, result.ReadOutputAs<int>());
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(1, TestWorkload.Runs[$"{id}/{i}"]));
        await _host.AssertNoDuplicateHistoryAsync(id);
    }

    [Fact]
    public async Task Replay_NewGuidAndCurrentTime_AreTheSameOnEveryReplay()
    {
        // Act
        var result = await _host.RunAsync(nameof(Replayed));

        // Assert: the first episode sent guid|time to the activity; the final episode replayed them and must agree.
        var values = result.ReadOutputAs<List<string>>()!;
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal($"{values[0]}|{values[1]}", values[2]);
        Assert.Equal(values[3], values[4]);
        Assert.NotEqual(values[0], values[3]);
        Assert.True(DateTime.Parse(values[5]).ToUniversalTime() >= DateTime.Parse(values[1]).ToUniversalTime());
    }

    [Fact]
    public async Task CallActivityAsync_WithRetryPolicy_RetriesAfterBackOff()
    {
        // Arrange
        var id = Azurite.UniqueName("retry");

        // Act
        var result = await _host.RunAsync(nameof(RetryingCall), 2, id);

        // Assert: two failures, then success; back-off timers set 300 ms and 600 ms after the failed attempts, and waits
        // of that long between attempts (less the backend's timer earliness).
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("ok after 3", result.ReadOutputAs<string>());
        var attempts = Flaky.Attempts[id].ToArray();
        Assert.Equal(3, attempts.Length);
        var timers = (await _host.HistoryAsync(id)).Where(e => e.EventType == "TimerCreated").Select(e => FireAt(e.Data)).ToList();
        Assert.Equal(2, timers.Count);
        Assert.True(timers[0] - attempts[0] >= TimeSpan.FromMilliseconds(300), $"first back-off timer was set for {timers[0] - attempts[0]} after the failure");
        Assert.True(timers[1] - attempts[1] >= TimeSpan.FromMilliseconds(600), $"second back-off timer was set for {timers[1] - attempts[1]} after the failure");
        Assert.True(attempts[1] - attempts[0] >= TimeSpan.FromMilliseconds(300) - _host.TimerEarliness, $"first back-off was {attempts[1] - attempts[0]}");
        Assert.True(attempts[2] - attempts[1] >= TimeSpan.FromMilliseconds(600) - _host.TimerEarliness, $"second back-off was {attempts[2] - attempts[1]}");
    }

    [Fact]
    public async Task CallActivityAsync_RetriesExhausted_FailsWithActivityError()
    {
        // Act
        var result = await _host.RunAsync(nameof(RetryingCall), 5, Azurite.UniqueName("exhaust"));

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("attempt 3 fails", result.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallActivityAsync_FanOutOfThousand_SumsAllResults()
    {
        // Act
        var result = await _host.RunAsync(nameof(FanOut), 1000, Azurite.UniqueName("fan"), timeoutSeconds: 120);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(Enumerable.Range(0, 1000).Sum(i => (long)i * i), result.ReadOutputAs<long>());
        await _host.AssertNoDuplicateHistoryAsync(result.InstanceId);
    }

    [Fact]
    public async Task CallSubOrchestratorAsync_ChildSequence_ReturnsChildOutput()
    {
        // Act
        // Generous: on Durable Task on Azure Storage this took over a minute once on the loaded machine (passing in
        // seconds in the other runs; the cause is not pinned down).
        var result = await _host.RunAsync(nameof(Parent), timeoutSeconds: 180);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(6, result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task ScheduleNew_OneMegabyteInput_RoundTripsThroughActivityAndBlobs()
    {
        // Arrange
        var big = string.Create(1024 * 1024, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + (i % 26));
            }
        });

        // Act
        var result = await _host.RunAsync(nameof(BigEcho), big);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(big, result.ReadOutputAs<string>());
        Assert.Equal(big, result.ReadInputAs<string>());
        await AssertInputOffloadedAsync(result.InstanceId);
    }

    [Fact]
    public async Task Replay_CodeCallsDifferentActivity_FailsWithNondeterminismNamingBoth()
    {
        // Arrange: the first episode calls Echo, then waits for "go".
        var id = Azurite.UniqueName("nondet");
        await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Switching), null, new StartOrchestrationOptions(id));
        await Eventually.MatchAsync(() => _host.CountHistoryAsync(id, "TaskCompleted"), n => n == 1);

        // Act: the code now calls Square where history has Echo.
        TestWorkload.Switches[id] = nameof(Square);
        await _host.Client.RaiseEventAsync(id, "go", "now");
        var result = await _host.WaitAsync(id);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("Non-Deterministic workflow detected", result.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'Echo'", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'Square'", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    private static DateTime FireAt(string? data) =>
        DateTime.Parse(data!.Trim('"'), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}

/// <summary>OrchestrationTests on the embedded engine.</summary>
public sealed class EmbeddedOrchestrationTests(EmbeddedBackend backend) : OrchestrationTests(backend.Host), IClassFixture<EmbeddedBackend>
{
    protected override async Task AssertInputOffloadedAsync(string instanceId) =>
        Assert.Contains(await backend.Host.RowsAsync(instanceId), r => r.ContainsKey("InputBlob"));
}

/// <summary>OrchestrationTests on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageOrchestrationTests(AzureStorageBackend backend) : OrchestrationTests(backend.Host), IClassFixture<AzureStorageBackend>
{

    protected override async Task AssertInputOffloadedAsync(string instanceId)
    {
        // Durable Task keeps messages and table properties over its limits in the {hub}-largemessages container.
        var container = Azurite.Blobs.GetBlobContainerClient(backend.Host.Hub.ToLowerInvariant() + "-largemessages");
        var blobs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = instanceId }))
        {
            blobs.Add(blob.Name);
        }

        Assert.NotEmpty(blobs);
    }
}
