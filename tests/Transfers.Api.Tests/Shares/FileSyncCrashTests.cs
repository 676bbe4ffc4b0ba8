using Azure.Storage.Blobs.Models;
using Transfers.Testing;

namespace Transfers.Api.Tests.Shares;

[Collection(CrashTestCollection.Name)]
public sealed class FileSyncCrashTests
{
    private const int FileCount = 2000;

    [Fact]
    public async Task InitialSend_HostKilledMidway_RestartedHostCompletesIdenticalDestination()
    {
        // Arrange
        var files = new ShareFiles();
        var settings = new Dictionary<string, string>
        {
            ["Transfers__Durable__HubName"] = "sharescrash" + Guid.NewGuid().ToString("N")[..8],
            ["Transfers__Shares__SyncInterval"] = "01:00:00",
            ["Transfers__Shares__BatchSize"] = "20",
            ["Transfers__Shares__MaxConcurrentBatches"] = "2",
            ["Transfers__Shares__CopyConcurrency"] = "4",
        };
        await files.Source.CreateIfNotExistsAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, FileCount), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            await files.WriteAsync($"crash/{i % 10}/{i % 7}/file{i:D5}.txt", $"content of file {i}"));
        var host = await HostProcess.StartAsync(settings);
        using var admin = host.CreateClient("test-admin-key");
        var ownerKey = await TenantKeys.IssueWithHostAccountAsync(admin, Azurite.UniqueName("crash"));
        using var client = host.CreateClient(ownerKey);
        var shareId = await files.CreateShareAsync(client);
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, ["crash/"], transferNow: true)).GetProperty("id").GetString()!;

        // Act: SIGKILL the host once part of the files are copied, then start a new one on the same storage
        var copiedAtKill = await Eventually.MatchAsync(() => CountDestinationAsync(files), n => n >= 100, TimeSpan.FromSeconds(120));
        await host.DisposeAsync();
        await using var restarted = await HostProcess.StartAsync(settings);
        using var owner = restarted.CreateClient(ownerKey);
        var synced = await Eventually.MatchAsync(
            () => ShareFiles.GetTransferAsync(owner, shareId, transferId),
            t => t.GetProperty("status").GetString() == "synced",
            TimeSpan.FromSeconds(180));
        var source = await ListAsync(files.Source, ShareFiles.SourcePrefix);
        var destination = await ListAsync(files.Destination, ShareFiles.DestinationLatest);

        // Assert
        Assert.InRange(copiedAtKill, 100, FileCount - 1);
        Assert.Equal(FileCount, destination.Count);
        Assert.Equal(source, destination);
        Assert.Equal(FileCount, synced.GetProperty("progress").GetProperty("filesTotal").GetInt64());
        Assert.Empty(synced.GetProperty("errors").EnumerateArray());
    }

    private static async Task<int> CountDestinationAsync(ShareFiles files)
    {
        if (!await files.Destination.ExistsAsync())
        {
            return 0;
        }

        var count = 0;
        await foreach (var _ in files.Destination.GetBlobsAsync(new GetBlobsOptions { Prefix = ShareFiles.DestinationLatest }))
        {
            count++;
        }

        return count;
    }

    /// <summary>Path → (length, MD5) under a prefix.</summary>
    private static async Task<SortedDictionary<string, string>> ListAsync(Azure.Storage.Blobs.BlobContainerClient container, string prefix)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            result[blob.Name[prefix.Length..]] = $"{blob.Properties.ContentLength}:{Convert.ToBase64String(blob.Properties.ContentHash)}";
        }

        return result;
    }
}
