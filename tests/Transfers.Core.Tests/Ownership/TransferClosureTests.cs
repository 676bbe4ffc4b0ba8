using Transfers.Core.Ownership;

namespace Transfers.Core.Tests.Ownership;

public sealed class TransferClosureTests
{
    private const string Owner = "aaaaaaaaaaaaaaaaaaaaaaaa";
    private readonly List<OwnedResource> _owned = [];

    [Fact]
    public void Compute_Integration_TakesFlowsTheirStepsConnectionsAndTiedResources()
    {
        var iclient = Add("iclients");
        var connection = Add("connections", $"\"_iClientId\":\"{iclient}\"");
        var export = Add("exports", $"\"_connectionId\":\"{connection}\"");
        var import = Add("imports", $"\"_connectionId\":\"{connection}\"");
        var integration = Add("integrations");
        var flow = Add("flows", $"\"_integrationId\":\"{integration}\",\"pageGenerators\":[{{\"_exportId\":\"{export}\"}}],\"pageProcessors\":[{{\"_importId\":\"{import}\"}}]");
        var script = Add("scripts", $"\"_integrationId\":\"{integration}\"");
        var notification = Add("notifications", $"\"_flowId\":\"{flow}\"");
        Add("integrations");
        Add("flows");
        Add("exports");

        var closure = OwnershipTransferClosure.Compute(_owned, [integration], account: false);

        Assert.Equal(["integrations", "flows", "exports", "imports", "connections", "notifications", "scripts", "iclients"], closure.Keys);
        Assert.Equal([integration], Ids(closure, "integrations"));
        Assert.Equal([flow], Ids(closure, "flows"));
        Assert.Equal([export], Ids(closure, "exports"));
        Assert.Equal([import], Ids(closure, "imports"));
        Assert.Equal([connection], Ids(closure, "connections"));
        Assert.Equal([iclient], Ids(closure, "iclients"));
        Assert.Equal([script], Ids(closure, "scripts"));
        Assert.Equal([notification], Ids(closure, "notifications"));
    }

    [Fact]
    public void Compute_None_TakesStandaloneFlowsAndWhatTheyUse()
    {
        var export = Add("exports");
        var standalone = Add("flows", $"\"pageGenerators\":[{{\"_exportId\":\"{export}\"}}]");
        var integration = Add("integrations");
        Add("flows", $"\"_integrationId\":\"{integration}\"");

        var closure = OwnershipTransferClosure.Compute(_owned, [ResourceCollections.Standalone], account: false);

        Assert.Equal(["flows", "exports"], closure.Keys);
        Assert.Equal([standalone], Ids(closure, "flows"));
        Assert.Equal([export], Ids(closure, "exports"));
    }

    [Fact]
    public void Compute_Account_TakesEverything()
    {
        Add("integrations");
        Add("flows");
        Add("ialicenseinstalls");

        var closure = OwnershipTransferClosure.Compute(_owned, [], account: true);

        Assert.Equal(3, closure.Values.Sum(v => v.Count));
    }

    [Fact]
    public void Compute_NothingMatches_IsEmpty()
    {
        Add("flows", $"\"_integrationId\":\"{Add("integrations")}\"");

        var closure = OwnershipTransferClosure.Compute(_owned, [ResourceCollections.Standalone], account: false);

        Assert.Empty(closure);
    }

    private static string[] Ids(IReadOnlyDictionary<string, IReadOnlyList<OwnedResource>> closure, string collection) =>
        [.. closure[collection].Select(r => r.Id)];

    private string Add(string collection, string? json = null)
    {
        var resource = OwnershipStorage.Resource(collection, Owner, json);
        _owned.Add(resource);
        return resource.Id;
    }
}
