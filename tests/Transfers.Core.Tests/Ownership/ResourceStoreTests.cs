using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.Ownership;

namespace Transfers.Core.Tests.Ownership;

public sealed class ResourceStoreTests : IDisposable
{
    private readonly ServiceProvider _services = OwnershipStorage.Create();
    private readonly string _owner = ObjectIds.NewId();
    private readonly string _invitee = ObjectIds.NewId();
    private readonly string _transfer = ObjectIds.NewId();

    private ResourceStore Store => _services.GetRequiredService<ResourceStore>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task MoveAsync_OwnedResources_MovesRecordAndOwnerIndexOnce()
    {
        var flows = Enumerable.Range(0, 250).Select(_ => OwnershipStorage.Resource("flows", _owner)).ToList();
        await Store.AddAsync(flows);
        var ids = flows.Select(f => f.Id).Order(StringComparer.Ordinal).ToList();

        var first = await Store.MoveAsync("flows", ids, _owner, _invitee, _transfer, concurrency: 3);
        var again = await Store.MoveAsync("flows", ids, _owner, _invitee, _transfer, concurrency: 3);

        Assert.Equal(250, first.Moved);
        Assert.Empty(first.Errors);
        Assert.Equal(250, again.Moved);
        Assert.Empty(again.Errors);
        var record = await Store.GetAsync("flows", ids[17]);
        Assert.Equal(_invitee, record!.OwnerId);
        Assert.Equal(1, record.OwnerVersion);
        Assert.Equal(_transfer, record.MovedBy);
        Assert.Empty(await Store.ListAllAsync(_owner));
        Assert.Equal(250, (await Store.ListAllAsync(_invitee)).Count);
    }

    [Fact]
    public async Task MoveAsync_OwnerChangedOrResourceMissing_ReportsThemAndTakesTheRest()
    {
        var mine = OwnershipStorage.Resource("exports", _owner);
        var theirs = OwnershipStorage.Resource("exports", ObjectIds.NewId());
        await Store.AddAsync([mine, theirs]);
        var missing = ObjectIds.NewId();
        var ids = new[] { mine.Id, theirs.Id, missing }.Order(StringComparer.Ordinal).ToList();

        var outcome = await Store.MoveAsync("exports", ids, _owner, _invitee, _transfer, concurrency: 1);

        Assert.Equal(1, outcome.Moved);
        Assert.Contains(outcome.Errors, e => e.Code == "owner_changed" && e.ResourceId == theirs.Id && e.Collection == "exports");
        Assert.Contains(outcome.Errors, e => e.Code == "resource_not_found" && e.ResourceId == missing);
        Assert.Equal(theirs.OwnerId, (await Store.GetAsync("exports", theirs.Id))!.OwnerId);
        Assert.Equal(_invitee, (await Store.GetAsync("exports", mine.Id))!.OwnerId);
    }

    [Fact]
    public async Task ListAsync_MoreThanAPage_PagesInIdOrder()
    {
        var connections = Enumerable.Range(0, 5).Select(_ => OwnershipStorage.Resource("connections", _owner)).ToList();
        await Store.AddAsync([.. connections, OwnershipStorage.Resource("exports", _owner)]);

        var (first, more) = await Store.ListAsync(_owner, "connections", null, 3);
        var (second, moreAfter) = await Store.ListAsync(_owner, "connections", first[^1].Id, 3);

        Assert.True(more);
        Assert.False(moreAfter);
        Assert.Equal(connections.Select(c => c.Id).Order(StringComparer.Ordinal), first.Concat(second).Select(r => r.Id));
    }
}
