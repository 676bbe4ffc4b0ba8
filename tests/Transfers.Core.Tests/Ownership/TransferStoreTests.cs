using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Core.Ownership;

namespace Transfers.Core.Tests.Ownership;

public sealed class TransferStoreTests : IDisposable
{
    private readonly ServiceProvider _services = OwnershipStorage.Create(new Dictionary<string, string?> { ["Transfers:Ownership:MoveChunkSize"] = "2" });
    private readonly string _owner = ObjectIds.NewId();
    private readonly string _invitee = ObjectIds.NewId();

    private OwnershipTransferStore Store => _services.GetRequiredService<OwnershipTransferStore>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task CreateAsync_IntegrationInAnotherOpenTransfer_IsRefusedUntilThatOneCloses()
    {
        var integration = ObjectIds.NewId();
        var first = NewTransfer([integration]);
        var second = NewTransfer([ObjectIds.NewId(), integration]);

        var held = await Store.CreateAsync(first, []);
        var refused = await Store.CreateAsync(second, []);
        await Store.TryUpdateAsync(first.Id, t => t with { Status = OwnershipTransferStatus.Canceled });
        var afterClose = await Store.CreateAsync(second, []);

        Assert.Null(held);
        Assert.Equal(integration, refused);
        Assert.Null(afterClose);
    }

    [Fact]
    public async Task CreateAsync_AccountWhileAnIntegrationIsOpen_IsRefused()
    {
        await Store.CreateAsync(NewTransfer([ObjectIds.NewId()]), []);

        var refused = await Store.CreateAsync(NewTransfer([]) with { Account = true }, []);

        Assert.NotNull(refused);
    }

    [Fact]
    public async Task PlanAndMove_ChunkedResources_MoveEachChunkAndCompleteDone()
    {
        var resources = _services.GetRequiredService<ResourceStore>();
        var flows = Enumerable.Range(0, 5).Select(_ => OwnershipStorage.Resource("flows", _owner)).ToList();
        var exports = Enumerable.Range(0, 1).Select(_ => OwnershipStorage.Resource("exports", _owner)).ToList();
        await resources.AddAsync([.. flows, .. exports]);
        var transfer = NewTransfer([ResourceCollections.Standalone]) with { Status = OwnershipTransferStatus.Started };
        await Store.CreateAsync(transfer, [.. flows.Concat(exports).Select(r => new TransferResourceRef(r.Collection, r.Id, r.Name)), new("integrations", "none", null)]);
        var context = new ActivityContext("test", "test");

        var chunks = await Activate<PlanOwnershipMovesActivity>().RunAsync(context, transfer.Id);
        var moved = 0;
        foreach (var chunk in chunks)
        {
            moved += (await Activate<MoveOwnershipChunkActivity>().RunAsync(context, new MoveOwnershipChunkInput(transfer.Id, chunk))).Moved;
        }

        var status = await Activate<CompleteOwnershipTransferActivity>().RunAsync(context, new CompleteOwnershipTransferInput(transfer.Id, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), null));

        Assert.Equal([2, 2, 1], chunks.Where(c => c.Collection == "flows").Select(c => c.Count));
        Assert.Equal([1], chunks.Where(c => c.Collection == "exports").Select(c => c.Count));
        Assert.Equal(6, moved);
        Assert.Equal(OwnershipTransferStatus.Done, status);
        var done = await Store.GetAsync(transfer.Id);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), done!.TransferredAt);
        Assert.All(await resources.ListAllAsync(_invitee), r => Assert.Contains(r.Id, flows.Concat(exports).Select(f => f.Id)));
        Assert.Equal(6, (await resources.ListAllAsync(_invitee)).Count);
    }

    [Fact]
    public async Task CompleteAsync_SomeResourcesNotTaken_FailsWithTransferErrors()
    {
        var resources = _services.GetRequiredService<ResourceStore>();
        var mine = OwnershipStorage.Resource("imports", _owner);
        var movedAway = OwnershipStorage.Resource("imports", ObjectIds.NewId());
        await resources.AddAsync([mine, movedAway]);
        var transfer = NewTransfer([ResourceCollections.Standalone]) with { Status = OwnershipTransferStatus.Started };
        await Store.CreateAsync(transfer, [new("imports", mine.Id, null), new("imports", movedAway.Id, null)]);
        var context = new ActivityContext("test", "test");
        var chunk = (await Activate<PlanOwnershipMovesActivity>().RunAsync(context, transfer.Id)).Single();

        var result = await Activate<MoveOwnershipChunkActivity>().RunAsync(context, new MoveOwnershipChunkInput(transfer.Id, chunk));
        var status = await Activate<CompleteOwnershipTransferActivity>().RunAsync(context, new CompleteOwnershipTransferInput(transfer.Id, DateTime.UtcNow, null));

        Assert.Equal(new MoveOwnershipChunkResult(1, 1), result);
        Assert.Equal(OwnershipTransferStatus.Failed, status);
        var error = Assert.Single(await Store.GetErrorsAsync(transfer.Id));
        Assert.Equal(("owner_changed", movedAway.Id), (error.Code, error.ResourceId));
        Assert.Null((await Store.GetAsync(transfer.Id))!.TransferredAt);
    }

    [Fact]
    public async Task ExpireOwnershipInvite_UnapprovedOrQueued_CancelsOnlyTheUnapproved()
    {
        var unapproved = NewTransfer([ObjectIds.NewId()]);
        var queued = NewTransfer([ObjectIds.NewId()]) with { Status = OwnershipTransferStatus.Queued, Accepted = true };
        await Store.CreateAsync(unapproved, []);
        await Store.CreateAsync(queued, []);
        var context = new ActivityContext("test", "test");

        var expired = await Activate<ExpireOwnershipInviteActivity>().RunAsync(context, unapproved.Id);
        var kept = await Activate<ExpireOwnershipInviteActivity>().RunAsync(context, queued.Id);

        Assert.Equal(OwnershipTransferStatus.Canceled, expired);
        Assert.Equal(OwnershipTransferStatus.Queued, kept);
    }

    [Fact]
    public async Task GetAsyncAndListOpenAsync_RecordWrittenWhenStatusesWereAnEnum_ReadAndListItWithTheSeedsStatus()
    {
        // Arrange: a record row as the store wrote it before the statuses became the seed's strings
        var transfer = NewTransfer([ObjectIds.NewId()]);
        await Store.CreateAsync(transfer, []);
        var table = await _services.GetRequiredService<OwnershipTables>().GetAsync(OwnershipTables.Transfers);
        var row = (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>(transfer.Id, "transfer")).Value;
        row["Status"] = "Queued";
        await table.UpdateEntityAsync(row, row.ETag);

        // Act
        var read = await Store.GetAsync(transfer.Id);
        var open = new List<string>();
        await foreach (var page in Store.ListOpenAsync(1000))
        {
            open.AddRange(page.Select(r => r.PartitionKey));
        }

        // Assert
        Assert.Equal(OwnershipTransferStatus.Queued, read!.Status);
        Assert.Contains(transfer.Id, open);
    }

    private T Activate<T>() => ActivatorUtilities.CreateInstance<T>(_services);

    private OwnershipTransfer NewTransfer(IReadOnlyList<string> integrationIds) => new()
    {
        Id = ObjectIds.NewId(),
        OwnerId = _owner,
        ToUserId = _invitee,
        Status = OwnershipTransferStatus.Unapproved,
        CreatedAt = DateTimeOffset.UtcNow,
        LastModified = DateTimeOffset.UtcNow,
        ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
        IntegrationIds = integrationIds,
    };
}
