using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Transfers.Durable;
using Transfers.Durable.CrashHost;
using Transfers.DurableTask.AzureStorage;

// Usage: Transfers.Durable.CrashHost <hub> <storage connection string> [Embedded|AzureStorage]
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["AzureWebJobsStorage"] = args[1],
    ["Transfers:Durable:HubName"] = args[0],
    ["Transfers:Durable:LeaseDuration"] = "00:00:03",
    ["Transfers:Durable:PollingIntervalMin"] = "00:00:00.050",
    ["Transfers:Durable:PollingIntervalMax"] = "00:00:00.500",
    ["Transfers:Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:00.200",
    ["Transfers:Durable:AzureStorage:PartitionCount"] = "2",
    ["Transfers:Durable:AzureStorage:QueueVisibilityTimeout"] = "00:00:20",
});
builder.Services.AddCrashWorkload();
if (args is [_, _, "AzureStorage"])
{
    builder.Services.AddDurableTaskAzureStorage(builder.Configuration);
}
else
{
    builder.Services.AddDurableEngine(builder.Configuration);
}

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("ready");
await host.WaitForShutdownAsync();
