using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.Storage;

namespace Transfers.Core.Tests.Storage;

public sealed class StorageAccessPolicyTests
{
    private const string HostAccount = "UseDevelopmentStorage=true";
    private const string PartnerAccount = "DefaultEndpointsProtocol=https;AccountName=partner;AccountKey=a2V5;EndpointSuffix=core.windows.net";

    [Theory]
    [InlineData("ApiKeys")]
    [InlineData("sharetransfers")]
    [InlineData("ExportWatermarks")]
    [InlineData("OwnershipTokens")]
    [InlineData("MyHubInstances")]
    [InlineData("OWNERSHIPTRANSFERLOCKS")]
    public void CheckTable_ServiceTableOnTheHostAccount_IsRefused(string table)
    {
        var policy = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["TRANSFERS_TASKHUB"] = "MyHub" });

        var denied = policy.CheckTable("acme", null, table);

        Assert.NotNull(denied);
        Assert.Contains("the service's own records", denied, StringComparison.Ordinal);
        Assert.Throws<UnauthorizedAccessException>(() => policy.DemandTable("acme", null, table));
    }

    [Fact]
    public void CheckTable_OtherConnectionNameForTheHostAccount_IsRefused()
    {
        var policy = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:alias"] = HostAccount });

        var denied = policy.CheckTable("acme", "alias", "ShareFileState");

        Assert.NotNull(denied);
    }

    [Fact]
    public void CheckTable_ServiceLikeNameOnAnotherAccount_IsAllowed()
    {
        var policy = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:partner"] = PartnerAccount });

        Assert.Null(policy.CheckTable("acme", "partner", "ApiKeys"));
        Assert.Null(policy.CheckTable("acme", null, "orders"));
        Assert.Null(policy.CheckTable("acme", null, "SharedOrders"));
    }

    [Theory]
    [InlineData("app-package-abc1234")]
    [InlineData("azure-webjobs-hosts")]
    [InlineData("myhub-payloads")]
    public void CheckContainer_ServiceContainerOnTheHostAccount_IsRefused(string container)
    {
        var policy = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Durable:HubName"] = "MyHub" });

        var denied = policy.CheckContainer("acme", null, container);

        Assert.NotNull(denied);
        Assert.Throws<UnauthorizedAccessException>(() => policy.DemandContainer("acme", null, container));
        Assert.Null(policy.CheckContainer("acme", null, "orders"));
    }

    [Fact]
    public void CheckConnection_TenantsListed_OnlyThoseMayUseIt()
    {
        var policy = Create(new()
        {
            ["AzureWebJobsStorage"] = HostAccount,
            ["Transfers:Connections:partner"] = PartnerAccount,
            ["Transfers:ConnectionTenants:partner"] = "acme, globex",
        });

        Assert.Null(policy.CheckConnection("acme", "partner"));
        Assert.Null(policy.CheckConnection("globex", "partner"));
        Assert.Contains("not available to this tenant", policy.CheckConnection("initech", "partner"), StringComparison.Ordinal);
        Assert.NotNull(policy.CheckContainer("initech", "partner", "orders"));
        Assert.Null(policy.CheckConnection("initech", null));
    }

    [Fact]
    public void CheckConnection_StarOrUnknownName_AllowsAllOrSaysItIsNotConfigured()
    {
        var policy = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:ConnectionTenants:default"] = "*" });

        Assert.Null(policy.CheckConnection("anyone", "default"));
        Assert.Equal("No storage connection named 'missing' is configured.", policy.CheckConnection("anyone", "missing"));
    }

    private static StorageAccessPolicy Create(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddTransfersCore();
        return services.BuildServiceProvider().GetRequiredService<StorageAccessPolicy>();
    }
}
