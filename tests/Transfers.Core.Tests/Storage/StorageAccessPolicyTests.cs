using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.Storage;
using Transfers.Core.Tenants;

namespace Transfers.Core.Tests.Storage;

public sealed class StorageAccessPolicyTests
{
    private const string HostAccount = "UseDevelopmentStorage=true";
    private const string PartnerAccount = "DefaultEndpointsProtocol=https;AccountName=partner;AccountKey=a2V5;EndpointSuffix=core.windows.net";

    [Theory]
    [InlineData("ApiKeys")]
    [InlineData("ConnectionGrants")]
    [InlineData("sharetransfers")]
    [InlineData("ExportWatermarks")]
    [InlineData("OwnershipTokens")]
    [InlineData("MyHubInstances")]
    [InlineData("OWNERSHIPTRANSFERLOCKS")]
    public void CheckTable_ServiceTableOnTheHostAccount_IsRefused(string table)
    {
        // Arrange: even a tenant granted the whole host account.
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["TRANSFERS_TASKHUB"] = "MyHub" }, Grant("default"));

        // Act
        var denied = access.CheckTable(null, table);

        // Assert
        Assert.NotNull(denied);
        Assert.Contains("the service's own records", denied, StringComparison.Ordinal);
        Assert.Throws<UnauthorizedAccessException>(() => access.DemandTable(null, table));
    }

    [Fact]
    public void CheckTable_OtherConnectionNameForTheHostAccount_IsRefused()
    {
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:alias"] = HostAccount }, Grant("alias"));

        var denied = access.CheckTable("alias", "ShareFileState");

        Assert.NotNull(denied);
    }

    [Fact]
    public void CheckTable_ServiceLikeNameOnAnotherAccount_IsAllowed()
    {
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:partner"] = PartnerAccount }, Grant("partner"), Grant("default"));

        Assert.Null(access.CheckTable("partner", "ApiKeys"));
        Assert.Null(access.CheckTable(null, "orders"));
        Assert.Null(access.CheckTable(null, "SharedOrders"));
    }

    [Theory]
    [InlineData("app-package-abc1234")]
    [InlineData("azure-webjobs-hosts")]
    [InlineData("myhub-payloads")]
    public void CheckContainer_ServiceContainerOnTheHostAccount_IsRefused(string container)
    {
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Durable:HubName"] = "MyHub" }, Grant("default"));

        var denied = access.CheckContainer(null, container);

        Assert.NotNull(denied);
        Assert.Throws<UnauthorizedAccessException>(() => access.DemandContainer(null, container));
        Assert.Null(access.CheckContainer(null, "orders"));
    }

    [Fact]
    public void CheckConnection_NoGrant_RefusesEveryNameOnIt()
    {
        // Arrange: no setting at all keeps a tenant off the host's account and every other connection.
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:partner"] = PartnerAccount }, Grant("partner"));

        // Act
        var connection = access.CheckConnection(null);
        var container = access.CheckContainer("default", "orders");
        var table = access.CheckTable(null, "orders");
        var tablePrefix = access.CheckTablePrefix(null, "acme");

        // Assert
        Assert.Equal("The storage connection 'default' is not granted to this tenant; the admin grants connections (POST /admin/tenants/{tenant}/connections).", connection);
        Assert.Equal(connection, container);
        Assert.Equal(connection, table);
        Assert.Equal(connection, tablePrefix);
        Assert.Null(access.CheckContainer("partner", "orders"));
        Assert.Throws<UnauthorizedAccessException>(() => access.DemandContainer(null, "orders"));
    }

    [Fact]
    public void CheckConnection_GrantedButNotConfigured_SaysItIsNotConfigured()
    {
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount }, Grant("missing"));

        Assert.Equal("No storage connection named 'missing' is configured.", access.CheckConnection("missing"));
        Assert.Equal("No storage connection named 'other' is configured.", access.CheckConnection("other"));
    }

    [Fact]
    public void CheckNames_PrefixGrant_AllowsOnlyNamesUnderThePrefix()
    {
        // Arrange: two tenants share the partner account, each under its own prefix.
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:partner"] = PartnerAccount }, Grant("partner", "acme"));

        // Act / Assert
        Assert.Null(access.CheckContainer("partner", "acme-orders"));
        Assert.Null(access.CheckTable("partner", "AcmeOrders"));
        Assert.Null(access.CheckTablePrefix("partner", "acmeOut"));
        Assert.Contains("only containers that start with 'acme'", access.CheckContainer("partner", "globex-private"), StringComparison.Ordinal);
        Assert.Contains("only tables that start with 'acme'", access.CheckTable("partner", "globexorders"), StringComparison.Ordinal);
        Assert.Contains("only table prefixes that start with 'acme'", access.CheckTablePrefix("partner", "ac"), StringComparison.Ordinal);
        Assert.Throws<UnauthorizedAccessException>(() => access.DemandTable("partner", "globexorders"));
    }

    [Theory]
    [InlineData("Api", "ApiKeys")]
    [InlineData("ApiKeys", "ApiKeys")]
    [InlineData("exp", "ExportModels")]
    [InlineData("T", "TransfersHub")]
    [InlineData("TransfersHub", "TransfersHub")]
    public void CheckTablePrefix_BeginningAServiceTableOrTheHub_IsRefusedOnTheHostAccount(string prefix, string begun)
    {
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:partner"] = PartnerAccount }, Grant("default"), Grant("partner"));

        var denied = access.CheckTablePrefix(null, prefix);

        Assert.Contains($"begins '{begun}'", denied, StringComparison.Ordinal);
        Assert.Null(access.CheckTablePrefix("partner", prefix));
    }

    [Theory]
    [InlineData("TransfersHubX")]
    [InlineData("transfershubhistory")]
    public void CheckTablePrefix_StartingWithTheHub_IsRefusedOnTheHostAccount(string prefix)
    {
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount }, Grant("default"));

        Assert.Contains("start with 'TransfersHub'", access.CheckTablePrefix(null, prefix), StringComparison.Ordinal);
        Assert.Null(access.CheckTablePrefix(null, "acme"));
        Assert.Null(access.CheckTablePrefix(null, "Apis"));
    }

    private static ConnectionGrant Grant(string connection, string? prefix = null) =>
        new("acme", connection, prefix, ConnectionGrantSources.Api, null);

    private static TenantStorageAccess Create(Dictionary<string, string?> settings, params ConnectionGrant[] grants)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddTransfersCore();
        return services.BuildServiceProvider().GetRequiredService<StorageAccessPolicy>().ForTenant("acme", grants);
    }
}
