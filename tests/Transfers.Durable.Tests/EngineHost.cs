using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transfers.Core.DurableTask;
using Transfers.Durable.Storage;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

/// <summary>An in-process host running the engine on a task hub, with short leases and polls.</summary>
internal sealed class EngineHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private EngineHost(IHost host, string hub)
    {
        _host = host;
        Hub = hub;
    }

    public string Hub { get; }

    public IDurableClient Client => _host.Services.GetRequiredService<IDurableClient>();

    public static async Task<EngineHost> StartAsync(string hub, bool start = true, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Transfers:Durable:HubName"] = hub,
            ["Transfers:Durable:LeaseDuration"] = "00:00:03",
            ["Transfers:Durable:PollingIntervalMin"] = "00:00:00.050",
            ["Transfers:Durable:PollingIntervalMax"] = "00:00:00.500",
        });
        builder.Services.AddTestWorkload();
        services?.Invoke(builder.Services);
        builder.Services.AddDurableEngine(builder.Configuration);
        var host = builder.Build();
        if (start)
        {
            await host.StartAsync();
        }

        return new EngineHost(host, hub);
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

    /// <summary>Reads an instance's rows straight from the table, to check what the engine stored.</summary>
    public async Task<List<TableEntity>> RowsAsync(string instanceId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Azurite.Tables.GetTableClient(HubStore.TableName(Hub, "Instances")).QueryAsync<TableEntity>(e => e.PartitionKey == instanceId))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Asserts that no task was scheduled or completed twice in the instance's committed history.</summary>
    public async Task AssertNoDuplicateHistoryAsync(string instanceId)
    {
        var history = (await RowsAsync(instanceId)).Where(r => r.RowKey.StartsWith("h|", StringComparison.Ordinal)).ToList();
        foreach (var type in new[] { "TaskScheduled", "TaskCompleted", "TaskFailed", "TimerCreated", "TimerFired", "ExecutionStarted", "ExecutionCompleted" })
        {
            var ids = history.Where(r => r.GetString("Type") == type).Select(r => r.GetInt32("TaskId") ?? -1).ToList();
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
