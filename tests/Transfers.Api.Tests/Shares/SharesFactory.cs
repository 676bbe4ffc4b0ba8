using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Transfers.Testing;

namespace Transfers.Api.Tests.Shares;

/// <summary>The host on Azurite with a 2-second sync interval, small batches, 12 shares per tenant and its own task hub.</summary>
public class SharesFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key";

    /// <summary>How many shares a tenant may hold here: more than any test needs but for those of the cap.</summary>
    public const int MaxShares = 12;

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly string _hub = "shares" + Guid.NewGuid().ToString("N")[..12];

    public HttpClient CreateClient(string? apiKey)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-KEY", apiKey);
        }

        return client;
    }

    /// <summary>Issues a key for a new tenant granted the host's account and returns a client that sends it.</summary>
    public async Task<HttpClient> CreateTenantClientAsync()
    {
        using var admin = CreateClient(AdminKey);
        return CreateClient(await TenantKeys.IssueWithHostAccountAsync(admin, Azurite.UniqueName("t")));
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
            ["Transfers:Grants:default:default"] = "*",

            // Other tests share these record tables under other task hubs: a pass here would schedule their records in this hub.
            ["Transfers:Reconcile:Enabled"] = "false",
            ["Transfers:Durable:HubName"] = _hub,
            ["Transfers:Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:00.200",
            ["Transfers:Shares:SyncInterval"] = Interval.ToString(),
            ["Transfers:Shares:BatchSize"] = "7",
            ["Transfers:Shares:ListPageSize"] = "25",
            ["Transfers:Shares:MaxConcurrentBatches"] = "3",
            ["Transfers:Shares:MaxTransfersPerShare"] = "50",
            ["Transfers:Shares:MaxSharesPerTenant"] = MaxShares.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        }));
    }
}

/// <summary>The same host on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageSharesFactory : SharesFactory
{
    protected override string Backend => "AzureStorage";
}
