using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Transfers.Core.DurableTask;
using Transfers.Core.Security;
using Transfers.Core.Shares;
using Transfers.Testing;

namespace Transfers.Core.Tests.Shares;

/// <summary>The transfer records on the test Azurite: what the largest valid record takes, and records of the earlier layout.</summary>
public sealed class ShareStoreTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Azurite.ConnectionString }).Build())
        .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
        .AddTransfersCore()
        .BuildServiceProvider();

    private ShareStore Store => _services.GetRequiredService<ShareStore>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task ReplaceTransfer_LargestContentsAndErrorsOnLongEscapedPaths_StoresThemKeepingTheLeadingErrorsThatFit()
    {
        // Arrange: the most pathNames the request rules allow, and fifty errors whose paths JSON escapes (6 bytes per unit).
        var paths = Enumerable.Range(0, 350).Select(i => $"{i:D3}/" + new string('&', 1020)).ToList();
        var transfer = await AddAsync(new ShareTransferContents(ShareDestinationKinds.Files, paths, null));
        var errors = Enumerable.Range(0, 50)
            .Select(i => new ShareTransferError($"{i:D3}/" + string.Concat(Enumerable.Repeat("\U0001F600", 510)), null, "Copying the file failed.", DateTime.UtcNow))
            .ToList();

        // Act
        var stored = await Store.TryReplaceTransferAsync(transfer with { Status = ShareTransferStatus.Synced, Errors = errors });
        var read = await Store.GetTransferAsync(transfer.ShareId, transfer.Id);

        // Assert
        Assert.True(ShareStore.ContentsSize(transfer.Contents) <= ShareStore.MaxContentsBytes);
        Assert.NotNull(stored);
        Assert.Equal(paths, read!.Contents.PathNames);
        Assert.Equal(ShareTransferStatus.Synced, read.Status);
        Assert.InRange(read.Errors.Count, 20, 49);
        Assert.Equal(errors.Take(read.Errors.Count), read.Errors);
        Assert.Equal(read.Errors, stored!.Errors);
    }

    [Fact]
    public async Task GetTransfer_RecordInTheEarlierStringLayout_ReadsIt()
    {
        // Arrange: a record written before the JSON moved to binary properties, as text over string properties.
        var id = Secrets.NewId();
        var shareId = Secrets.NewId();
        var record = new ShareTransfer
        {
            Id = id,
            ShareId = shareId,
            Tenant = "acme",
            Status = ShareTransferStatus.Paused,
            Contents = new ShareTransferContents(ShareDestinationKinds.Files, ["a&b/", "c/"], null),
            CreatedAt = DateTimeOffset.UtcNow,
            StateKey = id,
        };
        var json = DurableJson.Serialize(record)!;
        var table = Azurite.Tables.GetTableClient(SharesTables.Transfers);
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity(shareId, id)
        {
            ["Tenant"] = "acme",
            ["Status"] = record.Status,
            ["CreatedAt"] = record.CreatedAt,
            ["Json0"] = json[..10],
            ["Json1"] = json[10..],
        });

        // Act
        var read = await Store.GetTransferAsync(shareId, id);

        // Assert
        Assert.NotNull(read);
        Assert.Equal((record.Id, record.ShareId, record.Tenant, record.Status, record.CreatedAt, record.StateKey), (read.Id, read.ShareId, read.Tenant, read.Status, read.CreatedAt, read.StateKey));
        Assert.Equal(["a&b/", "c/"], read.Contents.PathNames);
        Assert.NotNull(read.ETag);
    }

    [Fact]
    public async Task DestinationIn_StartedTransferAfterTheShareChanged_KeepsItsOwnAndANotStartedOneFollowsTheShare()
    {
        // Arrange: one transfer started against the share's destination (as the start records it), one not started
        var started = await AddAsync(new ShareTransferContents("files", ["data/"], null));
        var share = (await Store.GetShareAsync("acme", started.ShareId))!;
        started = (await Store.TryReplaceTransferAsync(started with { Status = ShareTransferStatus.Sending, Destination = share.Destination }))!;
        var moved = share with { Destination = share.Destination! with { Container = "moved-box" } };
        await Store.UpdateShareAsync(moved);

        // Act
        var stored = (await Store.GetTransferAsync(started.ShareId, started.Id))!;
        var notStarted = NewTransfer(moved, Secrets.NewId());

        // Assert
        Assert.Equal("dest-box", stored.DestinationIn(moved)!.Container);
        Assert.Equal("moved-box", notStarted.DestinationIn(moved)!.Container);
    }

    [Fact]
    public async Task UpdateTransfer_FromARecordChangedSinceItWasRead_AppliesTheChangeToTheLatest()
    {
        // Arrange: a record read, then changed by another writer
        var read = await AddAsync(new ShareTransferContents("files", ["data/"], null));
        await Store.TryReplaceTransferAsync(read with { NextSyncAt = DateTimeOffset.UnixEpoch });

        // Act
        var stored = await Store.UpdateTransferAsync(read, t => t with { Status = ShareTransferStatus.Sending });

        // Assert
        var latest = (await Store.GetTransferAsync(read.ShareId, read.Id))!;
        Assert.Equal(ShareTransferStatus.Sending, stored!.Status);
        Assert.Equal(ShareTransferStatus.Sending, latest.Status);
        Assert.Equal(DateTimeOffset.UnixEpoch, latest.NextSyncAt);
    }

    [Fact]
    public async Task UpdateShare_DeletedMeanwhile_ReturnsFalseAndWritesNothing()
    {
        // Arrange
        var share = (await Store.CreateShareAsync("acme", "gone", new ShareSource(null, "source-box", null), null, maxShares: int.MaxValue))!;
        Assert.Null(await Store.DeleteShareAsync(share));

        // Act
        var updated = await Store.UpdateShareAsync(share with { Destination = new ShareDestination(ShareDestinationKinds.Files, null, "dest-box", null, null) });

        // Assert
        Assert.False(updated);
        Assert.Null(await Store.GetShareAsync("acme", share.Id));
    }

    [Fact]
    public async Task AddTransfer_ShareDeleted_RefusesAndStoresNothing()
    {
        // Arrange
        var created = await AddAsync(new ShareTransferContents("files", ["data/"], null));
        var share = (await Store.GetShareAsync("acme", created.ShareId))!;
        Assert.Null(await Store.DeleteShareAsync(share));

        // Act: an add that found the share before it was deleted.
        var added = await Store.AddTransferAsync(NewTransfer(share, Secrets.NewId()), maxLive: 50);

        // Assert
        Assert.True(added.ShareDeleted);
        Assert.Null(added.Transfer);
        Assert.Empty(await Store.ListTransfersAsync(share.Id));
        Assert.Null(await Store.GetShareAsync("acme", share.Id));
    }

    [Fact]
    public async Task DeleteShare_ActiveTransfer_KeepsTheShareAndItsTransfers()
    {
        // Arrange
        var created = await AddAsync(new ShareTransferContents("files", ["data/"], null));
        var share = (await Store.GetShareAsync("acme", created.ShareId))!;
        await Store.TryReplaceTransferAsync(created with { Status = ShareTransferStatus.Paused });

        // Act
        var active = await Store.DeleteShareAsync(share);

        // Assert
        Assert.Equal((created.Id, ShareTransferStatus.Paused), (active?.Id, active?.Status));
        Assert.NotNull(await Store.GetShareAsync("acme", share.Id));
        Assert.Single(await Store.ListTransfersAsync(share.Id));
        Assert.NotNull((await Store.AddTransferAsync(NewTransfer(share, Secrets.NewId()), maxLive: 50)).Transfer);
    }

    [Fact]
    public async Task DeleteShare_RacingAddsAndStarts_NeverLeavesATransferWithoutItsShare()
    {
        for (var round = 0; round < 20; round++)
        {
            // Arrange: a share with a created transfer that one racer starts while others add.
            var created = await AddAsync(new ShareTransferContents("files", ["data/"], null));
            var share = (await Store.GetShareAsync("acme", created.ShareId))!;

            // Act: the racers start staggered by a few milliseconds, so that rounds differ in who goes first.
            var delete = Task.Run(() => Store.DeleteShareAsync(share));
            var start = Task.Run(async () =>
            {
                await Task.Delay(round % 5 * 4);
                return await Store.TryReplaceTransferAsync(created with { Status = ShareTransferStatus.Sending });
            });
            var adds = Enumerable.Range(0, 3).Select(i => Task.Run(async () =>
            {
                await Task.Delay((round + i) % 4 * 3);
                return await Store.AddTransferAsync(NewTransfer(share, Secrets.NewId()), maxLive: 50);
            })).ToList();
            var kept = await delete;
            var started = await start;
            var added = await Task.WhenAll(adds);

            // Assert: either the share stays because the start came first, with every added transfer, or it is gone with
            // every transfer record, and no add after the deletion succeeded.
            var remaining = await Store.ListTransfersAsync(share.Id);
            if (kept is not null)
            {
                Assert.NotNull(started);
                Assert.Equal(created.Id, kept.Id);
                Assert.NotNull(await Store.GetShareAsync("acme", share.Id));
                Assert.Equal(1 + added.Count(a => a.Transfer is not null), remaining.Count);
            }
            else
            {
                Assert.Null(await Store.GetShareAsync("acme", share.Id));
                Assert.Empty(remaining);
                Assert.Null(started);
            }
        }
    }

    private static ShareTransfer NewTransfer(Share share, string id, ShareTransferContents? contents = null) => new()
    {
        Id = id,
        ShareId = share.Id,
        Tenant = share.Tenant,
        Status = ShareTransferStatus.Created,
        Contents = contents ?? new ShareTransferContents("files", ["data/"], null),
        CreatedAt = DateTimeOffset.UtcNow,
        StateKey = id,
    };

    private async Task<ShareTransfer> AddAsync(ShareTransferContents contents)
    {
        var share = (await Store.CreateShareAsync(
            "acme", "store", new ShareSource(null, "source-box", null), new ShareDestination(ShareDestinationKinds.Files, null, "dest-box", null, null), maxShares: int.MaxValue))!;
        return (await Store.AddTransferAsync(NewTransfer(share, Secrets.NewId(), contents), maxLive: 1)).Transfer!;
    }
}
