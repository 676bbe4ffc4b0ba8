using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Transfers.Testing;

namespace Transfers.Api.Tests.Ownership;

/// <summary>The local host in memory on the test Azurite, with its own task hub and small move chunks.</summary>
public class OwnershipApiFactory : WebApplicationFactory<Program>
{
    /// <summary>The admin key the tests use.</summary>
    public const string AdminKey = "test-admin-key";

    private readonly string _hub = Azurite.UniqueName("own");

    /// <summary>Gets the host's task hub.</summary>
    public string Hub => _hub;

    /// <summary>Creates a client with the admin key.</summary>
    /// <returns>The client.</returns>
    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-API-KEY", AdminKey);
        return client;
    }

    /// <summary>Creates a client that sends a bearer token.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The client.</returns>
    public HttpClient CreateBearerClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Gets the durable backend the host runs (<c>Transfers:Durable:Backend</c>).</summary>
    protected virtual string Backend => "Embedded";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // A host setting: the host reads it while registering its services, before the app configuration below applies.
        builder.UseSetting("Transfers:Durable:Backend", Backend);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Transfers:AdminApiKey"] = AdminKey,
            // Other tests share these record tables under other task hubs: a pass here would schedule their records in this hub.
            ["Transfers:Reconcile:Enabled"] = "false",
            ["Transfers:Durable:HubName"] = _hub,
            ["Transfers:Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:00.200",
            ["Transfers:Durable:PollingIntervalMax"] = "00:00:00.500",
            ["Transfers:Ownership:MoveChunkSize"] = "3",
            ["Transfers:Ownership:ActivityFirstRetryInterval"] = "00:00:00.200",
        }));
    }
}

/// <summary>The same host on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageOwnershipApiFactory : OwnershipApiFactory
{
    protected override string Backend => "AzureStorage";
}
