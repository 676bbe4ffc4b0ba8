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
        var table = Azurite.Tables.GetTableClient(ShareStore.TransfersTable);
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

    private async Task<ShareTransfer> AddAsync(ShareTransferContents contents)
    {
        var share = await Store.CreateShareAsync(
            "acme", "store", new ShareSource(null, "source-box", null), new ShareDestination(ShareDestinationKinds.Files, null, "dest-box", null, null));
        var id = Secrets.NewId();
        return (await Store.AddTransferAsync(
            new ShareTransfer
            {
                Id = id,
                ShareId = share.Id,
                Tenant = share.Tenant,
                Status = ShareTransferStatus.Created,
                Contents = contents,
                CreatedAt = DateTimeOffset.UtcNow,
                StateKey = id,
            },
            maxLive: 1))!;
    }
}
