using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Transfers.Durable.Tests;

public sealed class DurableEngineOptionsTests
{
    [Fact]
    public void AddDurableEngine_OnlyFunctionsHubSetting_UsesItAsHubName()
    {
        var options = Resolve(new() { ["TRANSFERS_TASKHUB"] = "SharedHub", ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

        Assert.Equal("SharedHub", options.HubName);
        Assert.Equal("UseDevelopmentStorage=true", options.StorageConnection);
    }

    [Fact]
    public void AddDurableEngine_ExplicitHubName_WinsOverFunctionsSetting()
    {
        var options = Resolve(new() { ["TRANSFERS_TASKHUB"] = "SharedHub", ["Transfers:Durable:HubName"] = "LocalHub" });

        Assert.Equal("LocalHub", options.HubName);
    }

    private static DurableEngineOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddDurableEngine(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<DurableEngineOptions>>().Value;
    }
}
