using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transfers.Core.DurableTask;
using Transfers.Durable.Storage;
using Transfers.DurableTask.AzureStorage;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

/// <summary>The engines the parity tests run on.</summary>
public enum TestBackend
{
    /// <summary>The embedded engine of Transfers.Durable.</summary>
    Embedded,

    /// <summary>Durable Task's engine on AzureStorageOrchestrationService, through the shared adapters.</summary>
    AzureStorage,
}

/// <summary>An in-process host running a durable backend on a task hub, with short leases and polls.</summary>
public sealed class EngineHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private EngineHost(IHost host, string hub, TestBackend backend)
    {
        _host = host;
        Hub = hub;
        Backend = backend;
    }

    public string Hub { get; }

    public TestBackend Backend { get; }

    /// <summary>
    /// Gets how much earlier than its time the backend may deliver a timer or a scheduled start: none on the embedded
    /// engine; Durable Task on Azure Storage delays such a message by whole seconds (the queue's visibility timeout,
    /// truncated), so it can arrive up to a second early (docs/durable-engine.md).
    /// </summary>
    public TimeSpan TimerEarliness => Backend == TestBackend.AzureStorage ? TimeSpan.FromSeconds(1) : TimeSpan.Zero;

    /// <summary>
    /// Gets a value indicating whether events raised one after another reach the instance in that order: the embedded
    /// engine commits each to the instance's inbox in order; Durable Task on Azure Storage sends each as a queue
    /// message, and the queue does not keep their order (docs/durable-engine.md).
    /// </summary>
    public bool KeepsRaisedEventOrder => Backend == TestBackend.Embedded;

    public IDurableClient Client => _host.Services.GetRequiredService<IDurableClient>();

    public IServiceProvider Services => _host.Services;

    public static async Task<EngineHost> StartAsync(string hub, bool start = true, Action<IServiceCollection>? services = null, TestBackend backend = TestBackend.Embedded)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Transfers:Durable:HubName"] = hub,
            ["Transfers:Durable:LeaseDuration"] = "00:00:03",
            ["Transfers:Durable:PollingIntervalMin"] = "00:00:00.050",
            ["Transfers:Durable:PollingIntervalMax"] = "00:00:00.500",
            ["Transfers:Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:00.200",
            ["Transfers:Durable:AzureStorage:PartitionCount"] = "2",
            ["Transfers:Durable:AzureStorage:QueueVisibilityTimeout"] = "00:00:20",
        });
        builder.Services.AddTestWorkload();
        services?.Invoke(builder.Services);
        if (backend == TestBackend.AzureStorage)
        {
            builder.Services.AddDurableTaskAzureStorage(builder.Configuration);
        }
        else
        {
            builder.Services.AddDurableEngine(builder.Configuration);
        }

        var host = builder.Build();
        if (start)
        {
            await host.StartAsync();
        }

        return new EngineHost(host, hub, backend);
    }

    public async Task<OrchestrationMetadata> RunAsync(string name, object? input = null, string? instanceId = null, int timeoutSeconds = 60)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions(instanceId));
        return await WaitAsync(id, timeoutSeconds);
    }

    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, int timeoutSeconds = 60)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
    }

    public Task<OrchestrationMetadata> StatusAsync(string instanceId, OrchestrationRuntimeStatus status) =>
        Eventually.MatchAsync(async () => (await Client.GetInstanceAsync(instanceId, true))!, m => m?.RuntimeStatus == status);

    /// <summary>Reads an instance's rows straight from the embedded engine's table, to check what it stored.</summary>
    public async Task<List<TableEntity>> RowsAsync(string instanceId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Azurite.Tables.GetTableClient(HubStore.TableName(Hub, "Instances")).QueryAsync<TableEntity>(e => e.PartitionKey == instanceId))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Reads the instance's committed history as the backend records it (the management API's view).</summary>
    public Task<IReadOnlyList<DurableHistoryEvent>> HistoryAsync(string instanceId) =>
        _host.Services.GetRequiredService<IDurableHistory>().GetHistoryAsync(instanceId);

    /// <summary>Counts the events of one type in the instance's committed history.</summary>
    public async Task<int> CountHistoryAsync(string instanceId, string eventType) =>
        (await HistoryAsync(instanceId)).Count(e => e.EventType == eventType);

    /// <summary>
    /// Asserts that no task was scheduled or completed twice in the instance's committed history. Durable Task on Azure
    /// Storage records a result delivered twice (an activity that ran again after its process died) a second time and
    /// ignores it on replay, so there only what the orchestration did (scheduled, started, completed) must be unique
    /// (docs/durable-engine.md).
    /// </summary>
    public async Task AssertNoDuplicateHistoryAsync(string instanceId)
    {
        var history = await HistoryAsync(instanceId);
        Assert.NotEmpty(history);
        string[] results = Backend == TestBackend.AzureStorage ? [] : ["TaskCompleted", "TaskFailed", "TimerFired"];
        foreach (var type in new[] { "TaskScheduled", "TimerCreated", "ExecutionStarted", "ExecutionCompleted" }.Concat(results))
        {
            var ids = history.Where(e => e.EventType == type).Select(e => e.TaskId).ToList();
            Assert.True(ids.Count == ids.Distinct().Count(), $"Instance {instanceId} has duplicate {type} events: {string.Join(",", ids)}");
        }
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
