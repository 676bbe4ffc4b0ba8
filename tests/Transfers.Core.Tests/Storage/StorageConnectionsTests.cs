using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.Storage;

namespace Transfers.Core.Tests.Storage;

public sealed class StorageConnectionsTests
{
    [Fact]
    public void Tables_DefaultConnectionString_UsesAzureWebJobsStorage()
    {
        var connections = Create(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

        var tables = connections.Tables();

        Assert.Equal("devstoreaccount1", tables.AccountName);
        Assert.True(connections.Exists(null));
        Assert.True(connections.Exists(StorageConnections.DefaultName));
    }

    [Fact]
    public void Blobs_IdentityBasedSettings_UseTheServiceUris()
    {
        var connections = Create(new()
        {
            ["AzureWebJobsStorage:blobServiceUri"] = "https://acct.blob.core.windows.net",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://acct.table.core.windows.net",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        });

        var blobs = connections.Blobs();
        var tables = connections.Tables();

        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), blobs.Uri);
        Assert.Equal("acct", tables.AccountName);
    }

    [Fact]
    public void Tables_NamedConnection_ReadsTransfersConnections()
    {
        var connections = Create(new()
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Transfers:Connections:partner"] = "DefaultEndpointsProtocol=https;AccountName=partner;AccountKey=a2V5;EndpointSuffix=core.windows.net",
        });

        var tables = connections.Tables("PARTNER");

        Assert.Equal("partner", tables.AccountName);
    }

    [Fact]
    public void Blobs_UnknownConnection_ThrowsNamingTheSetting()
    {
        var connections = Create(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

        var error = Assert.Throws<InvalidOperationException>(() => connections.Blobs("missing"));

        Assert.False(connections.Exists("missing"));
        Assert.Contains("Transfers:Connections:missing", error.Message, StringComparison.Ordinal);
    }

    private static StorageConnections Create(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddTransfersCore();
        return services.BuildServiceProvider().GetRequiredService<StorageConnections>();
    }
}
