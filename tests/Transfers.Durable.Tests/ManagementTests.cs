using Azure;
using Azure.Data.Tables;
using Transfers.Core.DurableTask;
using Transfers.Durable.Storage;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

/// <summary>The tests, run on both backends by the derived classes (Durable Task is the reference).</summary>
public abstract class ManagementTests(EngineHost host)
{
    private readonly EngineHost _host = host;

    /// <summary>Asserts that the backend's storage holds no row of the instance.</summary>
    protected abstract Task AssertNothingStoredAsync(string instanceId);

    [Fact]
    public async Task SuspendInstance_EventWhileSuspended_WaitsUntilResumed()
    {
        // Arrange
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventWaiter), "go");
        await _host.StatusAsync(id, OrchestrationRuntimeStatus.Running);

        // Act
        await _host.Client.SuspendInstanceAsync(id, "hold");
        await _host.StatusAsync(id, OrchestrationRuntimeStatus.Suspended);
        await _host.Client.RaiseEventAsync(id, "go", "done");
        await Task.Delay(1000);
        var whileSuspended = await _host.Client.GetInstanceAsync(id);
        await _host.Client.ResumeInstanceAsync(id, "carry on");
        var result = await _host.WaitAsync(id);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, whileSuspended!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("done", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ScheduleNew_IdOfRunTerminatedWithAPendingEvent_NewRunNeverSeesIt()
    {
        // Arrange: an event that reaches a suspended run stays in its inbox when the run is terminated.
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), 60_000);
        await _host.StatusAsync(id, OrchestrationRuntimeStatus.Running);
        await _host.Client.SuspendInstanceAsync(id, "hold");
        await _host.StatusAsync(id, OrchestrationRuntimeStatus.Suspended);
        await _host.Client.RaiseEventAsync(id, "approval", "meant for the first run");
        await _host.Client.TerminateInstanceAsync(id, "stop");
        var first = await _host.WaitAsync(id);

        // Act
        await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), 1_500, new StartOrchestrationOptions(id));
        var second = await _host.WaitAsync(id);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, first.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, second.RuntimeStatus);
        Assert.Equal("timeout", second.ReadOutputAs<string>());
    }

    [Fact]
    public async Task TerminateInstance_Waiting_EndsTerminatedWithOutput()
    {
        // Arrange
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventWaiter), "never");
        await _host.StatusAsync(id, OrchestrationRuntimeStatus.Running);

        // Act
        await _host.Client.TerminateInstanceAsync(id, "stop");
        var result = await _host.WaitAsync(id);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("stop", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task PurgeInstance_Completed_DeletesEverythingOnce()
    {
        // Arrange
        var result = await _host.RunAsync(nameof(Sequence), "x");

        // Act
        var first = await _host.Client.PurgeInstanceAsync(result.InstanceId);
        var second = await _host.Client.PurgeInstanceAsync(result.InstanceId);

        // Assert
        Assert.Equal(1, first);
        Assert.Equal(0, second);
        Assert.Null(await _host.Client.GetInstanceAsync(result.InstanceId));
        await AssertNothingStoredAsync(result.InstanceId);
    }

    [Fact]
    public async Task ScheduleNew_IdOfRunningInstance_ThrowsInstanceAlreadyExists()
    {
        // Arrange
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventWaiter), "never");

        // Act + Assert
        var error = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(
            () => _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventWaiter), "never", new StartOrchestrationOptions(id)));
        Assert.Contains(id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleNew_IdOfPendingInstance_ThrowsInstanceAlreadyExists()
    {
        // Arrange: an instance whose start time is an hour away stays Pending.
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventWaiter), "never", new StartOrchestrationOptions(StartAt: DateTimeOffset.UtcNow.AddHours(1)));

        // Act
        var error = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(
            () => _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Sequence), "x", new StartOrchestrationOptions(id)));

        // Assert
        Assert.Contains(id, error.Message, StringComparison.Ordinal);
        var instance = await _host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, instance!.RuntimeStatus);
        Assert.Equal(nameof(EventWaiter), instance.Name);
    }

    [Fact]
    public async Task ScheduleNew_IdOfSuspendedInstance_ThrowsInstanceAlreadyExists()
    {
        // Arrange
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventWaiter), "never");
        await _host.StatusAsync(id, OrchestrationRuntimeStatus.Running);
        await _host.Client.SuspendInstanceAsync(id, "hold");
        await _host.StatusAsync(id, OrchestrationRuntimeStatus.Suspended);

        // Act
        var error = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(
            () => _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Sequence), "x", new StartOrchestrationOptions(id)));

        // Assert
        Assert.Contains(id, error.Message, StringComparison.Ordinal);
        var instance = await _host.Client.GetInstanceAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, instance!.RuntimeStatus);
        Assert.Equal(nameof(EventWaiter), instance.Name);
    }

    [Fact]
    public async Task ScheduleNew_IdOfCompletedInstance_StartsAFreshGeneration()
    {
        // Arrange
        var first = await _host.RunAsync(nameof(Sequence), "x");

        // Act
        var second = await _host.RunAsync(nameof(Sequence), "x", first.InstanceId);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, second.RuntimeStatus);
        Assert.Equal(5, second.ReadOutputAs<int>());
        await _host.AssertNoDuplicateHistoryAsync(first.InstanceId);
    }

    [Theory]
    [InlineData("a/b", "'/'")]
    [InlineData("a#b", "'#'")]
    [InlineData("", "empty")]
    public async Task ScheduleNew_BadInstanceId_ThrowsArgumentExceptionSayingWhy(string id, string expected)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Sequence), "x", new StartOrchestrationOptions(id)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleNew_TooLongInstanceId_ThrowsArgumentException()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Sequence), "x", new StartOrchestrationOptions(new string('a', 257))));
        Assert.Contains("256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleNew_UnknownOrchestration_ThrowsArgumentExceptionNamingIt()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _host.Client.ScheduleNewOrchestrationInstanceAsync("NoSuchThing"));
        Assert.Contains("'NoSuchThing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryInstances_ByStatusAndPrefix_PagesThroughMatches()
    {
        // Arrange
        var prefix = Azurite.UniqueName("q");
        for (var i = 0; i < 3; i++)
        {
            await _host.RunAsync(nameof(Sequence), "x", $"{prefix}-{i}");
        }

        // Act
        var seen = new List<OrchestrationMetadata>();
        string? token = null;
        do
        {
            var page = await _host.Client.QueryInstancesAsync(new OrchestrationQuery
            {
                InstanceIdPrefix = prefix,
                Statuses = [OrchestrationRuntimeStatus.Completed],
                PageSize = 2,
                ContinuationToken = token,
                FetchInputsAndOutputs = true,
            });
            seen.AddRange(page.Instances);
            token = page.ContinuationToken;
        }
        while (token is not null);

        // Assert
        Assert.Equal(3, seen.Count);
        Assert.All(seen, m => Assert.Equal("5", m.SerializedOutput));
    }

    [Fact]
    public async Task QueryInstances_CreatedRange_ReturnsOnlyInstancesCreatedInIt()
    {
        // Arrange: three instances created at least 100 ms apart, with a bound between each pair.
        var prefix = Azurite.UniqueName("created");
        var bounds = new List<DateTimeOffset>();
        for (var i = 0; i < 3; i++)
        {
            await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventWaiter), "never", new StartOrchestrationOptions($"{prefix}-{i}"));
            await Task.Delay(100);
            bounds.Add(DateTimeOffset.UtcNow);
            await Task.Delay(100);
        }

        // Act
        var from = await IdsAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, CreatedFrom = bounds[0] });
        var to = await IdsAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, CreatedTo = bounds[1] });
        var between = await IdsAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, CreatedFrom = bounds[0], CreatedTo = bounds[1] });

        // Assert
        Assert.Equal(new[] { $"{prefix}-1", $"{prefix}-2" }, from);
        Assert.Equal(new[] { $"{prefix}-0", $"{prefix}-1" }, to);
        Assert.Equal(new[] { $"{prefix}-1" }, between);
    }

    private async Task<List<string>> IdsAsync(OrchestrationQuery query) =>
        [.. (await _host.Client.QueryInstancesAsync(query)).Instances.Select(m => m.InstanceId).Order(StringComparer.Ordinal)];
}

/// <summary>ManagementTests on the embedded engine.</summary>
public sealed class EmbeddedManagementTests(EmbeddedBackend backend) : ManagementTests(backend.Host), IClassFixture<EmbeddedBackend>
{
    protected override async Task AssertNothingStoredAsync(string instanceId) => Assert.Empty(await backend.Host.RowsAsync(instanceId));

    [Fact]
    public async Task WaitForInstanceCompletion_FinishedBehindThisProcess_ReturnsWhatStorageSays()
    {
        // Arrange: this process runs the instance and last saw it Running. Then another process finishes it, as when the
        // partition moves away and back (here: the row is written directly).
        var id = await backend.Host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventWaiter), "never");
        await backend.Host.StatusAsync(id, OrchestrationRuntimeStatus.Running);
        var instances = Azurite.Tables.GetTableClient(HubStore.TableName(backend.Host.Hub, "Instances"));
        await instances.UpdateEntityAsync(
            new TableEntity(id, "!instance") { ["Status"] = nameof(OrchestrationRuntimeStatus.Completed), ["Output"] = "\"elsewhere\"" },
            ETag.All,
            TableUpdateMode.Merge);

        // Act
        var result = await backend.Host.WaitAsync(id, timeoutSeconds: 30);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("elsewhere", result.ReadOutputAs<string>());
    }
}

/// <summary>ManagementTests on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageManagementTests(AzureStorageBackend backend) : ManagementTests(backend.Host), IClassFixture<AzureStorageBackend>
{
    protected override async Task AssertNothingStoredAsync(string instanceId)
    {
        foreach (var table in new[] { "Instances", "History" })
        {
            var rows = Azurite.Tables.GetTableClient(backend.Host.Hub + table).QueryAsync<TableEntity>(e => e.PartitionKey == instanceId);
            await foreach (var row in rows)
            {
                Assert.Fail($"{table} still holds {row.RowKey} of {instanceId}.");
            }
        }
    }
}
