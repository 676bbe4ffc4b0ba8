using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Transfers.Testing;

namespace Transfers.Api.Tests;

/// <summary>The local host in memory, on the test Azurite, with a known admin key.</summary>
public sealed class TransfersApiFactory : WebApplicationFactory<Program>
{
    /// <summary>The admin key the tests use.</summary>
    public const string AdminKey = "test-admin-key";

    /// <summary>A connection besides <c>default</c>, to the same Azurite.</summary>
    public const string PartnerConnection = "partner";

    /// <summary>Creates a client that sends the given API key.</summary>
    /// <param name="apiKey">The key, or null for none.</param>
    /// <returns>The client.</returns>
    public HttpClient CreateClient(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-KEY", apiKey);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Transfers:AdminApiKey"] = AdminKey,
            ["Transfers:Grants:default:default"] = "*",

            // A second connection name, for grants of one connection but not another.
            [$"Transfers:Connections:{PartnerConnection}"] = Azurite.ConnectionString,

            // The host also reads local.settings.sample.json, whose warehouse is ./run.sh's server: the tests that
            // need a warehouse name a database of their own (WarehouseGrantTests).
            ["Transfers:Connections:warehouse"] = string.Empty,
            ["Transfers:Grants:default:warehouse"] = string.Empty,

            // Other tests share these record tables under other task hubs: a pass here would schedule their records in this hub.
            ["Transfers:Reconcile:Enabled"] = "false",
        }));
    }
}
