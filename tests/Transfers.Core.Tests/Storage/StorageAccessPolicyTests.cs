using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.Storage;
using Transfers.Core.Tenants;

namespace Transfers.Core.Tests.Storage;

public sealed class StorageAccessPolicyTests
{
    private const string HostAccount = "UseDevelopmentStorage=true";
    private const string PartnerAccount = "DefaultEndpointsProtocol=https;AccountName=partner;AccountKey=a2V5;EndpointSuffix=core.windows.net";
    private const string Warehouse = "Host=127.0.0.1;Port=15432;Username=transfers;Password=p;Database=postgres";

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

    [Fact]
    public void CheckSchema_StorageConnection_IsRefused()
    {
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:partner"] = PartnerAccount }, Grant("default"), Grant("partner"));

        var denied = access.CheckSchema("partner", "sales");

        Assert.Equal("The connection 'partner' is a storage connection, not PostgreSQL.", denied);
        Assert.Equal("The connection 'default' is a storage connection, not PostgreSQL.", access.CheckSchema(null, "sales"));
        Assert.Equal("No PostgreSQL connection named 'missing' is configured.", access.CheckSchema("missing", "sales"));
        Assert.Throws<UnauthorizedAccessException>(() => access.DemandSchema("partner", "sales"));
    }

    [Fact]
    public void CheckStorageNames_PostgresConnection_AreRefused()
    {
        // Arrange: granted, but a warehouse has no containers or Azure tables.
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:warehouse"] = Warehouse }, Grant("warehouse"));
        const string expected = "The connection 'warehouse' is a PostgreSQL connection, not storage; name a storage connection.";

        // Act / Assert
        Assert.Equal(expected, access.CheckTable("warehouse", "orders"));
        Assert.Equal(expected, access.CheckTablePrefix("warehouse", "acme"));
        Assert.Equal(expected, access.CheckContainer("warehouse", "orders"));
        Assert.Throws<UnauthorizedAccessException>(() => access.DemandTable("warehouse", "orders"));
        Assert.Null(access.CheckConnection("warehouse"));
        Assert.Null(access.CheckSchema("warehouse", "sales"));
    }

    [Fact]
    public void CheckSchema_NotGranted_IsRefused()
    {
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:warehouse"] = Warehouse }, Grant("default"));

        var denied = access.CheckSchema("warehouse", "sales");

        Assert.Equal("The PostgreSQL connection 'warehouse' is not granted to this tenant; the admin grants connections (POST /admin/tenants/{tenant}/connections).", denied);
        Assert.Equal(denied, access.CheckConnection("warehouse"));
        Assert.Throws<UnauthorizedAccessException>(() => access.DemandSchema("warehouse", "sales"));
    }

    [Fact]
    public void CheckSchema_PrefixGrant_AllowsOnlySchemasUnderThePrefix()
    {
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:warehouse"] = Warehouse }, Grant("warehouse", "acme"));

        Assert.Null(access.CheckSchema("warehouse", "acme_sales"));
        Assert.Null(access.CheckSchema("warehouse", "acme"));
        Assert.Equal("On the PostgreSQL connection 'warehouse' this tenant may name only schemas that start with 'acme'.", access.CheckSchema("warehouse", "globex_sales"));
        Assert.NotNull(access.CheckSchema("warehouse", "ACME_sales"));
        Assert.Throws<UnauthorizedAccessException>(() => access.DemandSchema("warehouse", "globex_sales"));
    }

    [Theory]
    [InlineData("pg_catalog", "reserved")]
    [InlineData("information_schema", "reserved")]
    [InlineData("transfers_state", "reserved")]
    [InlineData("Sales", "lower-case letters")]
    [InlineData("", "lower-case letters")]
    public void CheckSchema_ReservedOrInvalidName_IsRefused(string schema, string rule)
    {
        var access = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:warehouse"] = Warehouse }, Grant("warehouse"));

        var denied = access.CheckSchema("warehouse", schema);

        Assert.Contains(rule, denied, StringComparison.Ordinal);
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
