using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Security;
using Transfers.Core.Shares;
using Transfers.Testing;

namespace Transfers.Core.Tests.Shares;

/// <summary>The diff, copy and state activities of a file transfer on the test Azurite.</summary>
public sealed class FileSyncActivityTests : IAsyncLifetime, IDisposable
{
    private const string SourcePrefix = "provider";
    private readonly BlobContainerClient _source = Azurite.Blobs.GetBlobContainerClient(Azurite.UniqueName("src"));
    private readonly BlobContainerClient _destination = Azurite.Blobs.GetBlobContainerClient(Azurite.UniqueName("dst"));
    private ServiceProvider _services = null!;
    private ShareTransferRef _transfer = null!;

    public async Task InitializeAsync()
    {
        await _source.CreateAsync();
        await _destination.CreateAsync();
        UseSettings(batchSize: 100, maxConcurrentBatches: 4);
        var store = _services.GetRequiredService<ShareStore>();
        var share = await store.CreateShareAsync(
            "acme",
            "activities",
            new ShareSource(null, _source.Name, SourcePrefix),
            new ShareDestination(ShareDestinationKinds.Files, null, _destination.Name, "consumer", null),
            maxShares: int.MaxValue) ?? throw new InvalidOperationException("The share was not created.");
        var id = Secrets.NewId();
        await store.AddTransferAsync(
            new ShareTransfer
            {
                Id = id,
                ShareId = share.Id,
                Tenant = share.Tenant,
                Status = ShareTransferStatus.Sending,
                Contents = new ShareTransferContents("files", ["data/"], null),
                CreatedAt = DateTimeOffset.UtcNow,
                StateKey = id,
            },
            maxLive: 1);
        _transfer = new ShareTransferRef(share.Tenant, share.Id, id, id);
    }

    public async Task DisposeAsync()
    {
        await _source.DeleteIfExistsAsync();
        await _destination.DeleteIfExistsAsync();
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task DiffPage_FewChanges_SpreadsThemOverAWindowOfBatchesInPathOrder()
    {
        // Arrange
        var paths = await WriteSourceAsync(10);

        // Act
        var result = await DiffAsync(cycle: 1, initialSend: false);

        // Assert
        Assert.Null(result.Next);
        Assert.Equal(4, result.CopyBatches);
        var batches = await ReadCopyBatchesAsync(cycle: 1, result.CopyBatches);
        Assert.Equal([3, 3, 2, 2], batches.Select(b => b.Count));
        Assert.Equal(paths, batches.SelectMany(b => b).Select(i => i.Path));
    }

    [Fact]
    public async Task DiffPage_ManyChanges_WritesFullBatchesAndSpreadsOnlyTheRest()
    {
        // Arrange
        UseSettings(batchSize: 5, maxConcurrentBatches: 2);
        await WriteSourceAsync(23);

        // Act
        var result = await DiffAsync(cycle: 1, initialSend: false);

        // Assert
        var batches = await ReadCopyBatchesAsync(cycle: 1, result.CopyBatches);
        Assert.Equal([5, 5, 5, 4, 4], batches.Select(b => b.Count));
        Assert.Equal(23, result.CopyFiles);
    }

    [Theory]
    [InlineData(true, 10)]
    [InlineData(false, 30)]
    public async Task DiffPage_FirstPage_ListsOneWindowOnlyOnTheFirstSend(bool initialSend, long expectedListed)
    {
        // Arrange
        UseSettings(batchSize: 5, maxConcurrentBatches: 2);
        await WriteSourceAsync(30);

        // Act
        var result = await DiffAsync(cycle: 1, initialSend);

        // Assert
        Assert.Equal(expectedListed, result.Listed);
        Assert.Equal(expectedListed < 30, result.Next is not null);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(100)]
    public async Task DiffPages_MoreRecordedFilesGoneThanAPageLists_FindEveryChangeOnce(int listPageSize)
    {
        // Arrange: 12 files recorded as copied; then 8 of them deleted, one changed and two added
        UseSettings(batchSize: 100, maxConcurrentBatches: 1, listPageSize: listPageSize);
        var paths = await WriteSourceAsync(12);
        var state = _services.GetRequiredService<FileSyncStore>();
        var recorded = await _source.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{SourcePrefix}/" })
            .Select(b => new FileState(b.Name[(SourcePrefix.Length + 1)..], b.Properties.ETag.ToString()!, b.Properties.ContentLength ?? 0))
            .ToListAsync();
        await state.UpsertAsync(_transfer.StateKey, recorded);
        foreach (var gone in paths.Skip(1).Take(8))
        {
            await _source.GetBlobClient($"{SourcePrefix}/{gone}").DeleteAsync();
        }

        foreach (var written in new[] { paths[10], "data/f005a.txt", "data/f100.txt" })
        {
            await _source.GetBlobClient($"{SourcePrefix}/{written}").UploadAsync(BinaryData.FromString("new"), overwrite: true);
        }

        // Act: every page of the check
        var copies = new List<string>();
        var deletes = new List<string>();
        DiffCursor? cursor = DiffCursor.Start;
        for (var page = 1; cursor is not null; page++)
        {
            var result = await ActivatorUtilities.CreateInstance<DiffShareSourcePageActivity>(_services).RunAsync(
                new ActivityContext(nameof(DiffShareSourcePageActivity), "test"), new DiffShareSourcePageInput(_transfer, 2, page, cursor));
            for (var i = 0; i < result.CopyBatches; i++)
            {
                copies.AddRange((await state.ReadBatchAsync(_transfer.StateKey, 2, FileBatchIds.Copy(page, i))).Select(f => f.Path));
            }

            for (var i = 0; i < result.DeleteBatches; i++)
            {
                deletes.AddRange((await state.ReadBatchAsync(_transfer.StateKey, 2, FileBatchIds.Delete(page, i))).Select(f => f.Path));
            }

            cursor = result.Next;
        }

        // Assert
        Assert.Equal(["data/f005a.txt", paths[10], "data/f100.txt"], copies.Order(StringComparer.Ordinal));
        Assert.Equal(paths.Skip(1).Take(8), deletes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CopyBatch_SourceChangedAfterTheDiff_ReportsThatFileAndRecordsOnlyTheOthers()
    {
        // Arrange
        var paths = await WriteSourceAsync(2);
        UseSettings(batchSize: 100, maxConcurrentBatches: 1);
        var diff = await DiffAsync(cycle: 1, initialSend: true);
        await _source.GetBlobClient($"{SourcePrefix}/{paths[1]}").UploadAsync(BinaryData.FromString("changed since the diff"), overwrite: true);

        // Act
        var result = await CopyAsync(cycle: 1, FileBatchIds.Copy(1, 0));

        // Assert
        Assert.Equal(1, diff.CopyBatches);
        Assert.Equal(1, result.Copied);
        Assert.Equal(1, result.Failed);
        var error = Assert.Single(result.Errors);
        Assert.Equal(paths[1], error.Path);
        Assert.StartsWith("Copying the file failed: the storage service answered 412 (", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        var copied = await _destination.GetBlobClient($"consumer/latest/{paths[0]}").DownloadContentAsync();
        Assert.Equal($"content of {paths[0]}", copied.Value.Content.ToString());
        Assert.False(await _destination.GetBlobClient($"consumer/latest/{paths[1]}").ExistsAsync());
        var recorded = await _services.GetRequiredService<FileSyncStore>().ReadAllAsync(_transfer.StateKey).ToListAsync();
        Assert.Equal([paths[0]], recorded.Select(f => f.Path));
    }

    [Fact]
    public async Task CopyBatch_UnchangedSources_CopiesWithTheSourceLengthAndMd5()
    {
        // Arrange
        var paths = await WriteSourceAsync(3);
        var diff = await DiffAsync(cycle: 1, initialSend: true);

        // Act
        var results = new List<CopyShareFileBatchResult>();
        for (var i = 0; i < diff.CopyBatches; i++)
        {
            results.Add(await CopyAsync(cycle: 1, FileBatchIds.Copy(1, i)));
        }

        // Assert
        Assert.Equal(3, results.Sum(r => r.Copied));
        Assert.All(results, r => Assert.Equal(0, r.Failed));
        foreach (var path in paths)
        {
            var source = (await _source.GetBlobClient($"{SourcePrefix}/{path}").GetPropertiesAsync()).Value;
            var copy = (await _destination.GetBlobClient($"consumer/latest/{path}").GetPropertiesAsync()).Value;
            Assert.Equal(source.ContentLength, copy.ContentLength);
            Assert.Equal(source.ContentHash, copy.ContentHash);
        }
    }

    [Theory]
    [InlineData(false, "Copying the file failed: The MD5 of the copy differs from the one the source listed.")]
    [InlineData(true, "Copying the file failed: The copy has 24 bytes; the source listed 25.")]
    public async Task CopyBatch_CopyDiffersFromTheListing_ReportsItAndRecordsNothing(bool wrongLength, string expected)
    {
        // Arrange: a batch as the diff writes it, listing the source's ETag but another length or MD5 than the copy gets.
        var path = (await WriteSourceAsync(1))[0];
        var source = (await _source.GetBlobClient($"{SourcePrefix}/{path}").GetPropertiesAsync()).Value;
        var listed = new FileWorkItem(
            path,
            source.ETag.ToString(),
            wrongLength ? source.ContentLength + 1 : source.ContentLength,
            Convert.ToBase64String(wrongLength ? source.ContentHash : new byte[16]));
        await _services.GetRequiredService<FileSyncStore>().WriteBatchAsync(_transfer.StateKey, 1, FileBatchIds.Copy(1, 0), [listed]);

        // Act
        var result = await CopyAsync(cycle: 1, FileBatchIds.Copy(1, 0));

        // Assert
        Assert.Equal(24, source.ContentLength);
        Assert.NotNull(source.ContentHash);
        Assert.Equal(0, result.Copied);
        Assert.Equal(1, result.Failed);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(await _services.GetRequiredService<FileSyncStore>().ReadAllAsync(_transfer.StateKey).ToListAsync());
    }

    [Fact]
    public async Task CopyBatch_SourceUploadedInBlocksWithoutMd5_CopiesItVerifiedByLength()
    {
        // Arrange: a block upload leaves no Content-MD5 on the blob, as large files uploaded by most tools.
        var blob = _source.GetBlockBlobClient($"{SourcePrefix}/data/blocks.bin");
        var blocks = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = Convert.ToBase64String(BitConverter.GetBytes(i));
            await blob.StageBlockAsync(id, new MemoryStream(new byte[1000 + i]));
            blocks.Add(id);
        }

        await blob.CommitBlockListAsync(blocks);
        var diff = await DiffAsync(cycle: 1, initialSend: true);
        var listed = Assert.Single(await _services.GetRequiredService<FileSyncStore>().ReadBatchAsync(_transfer.StateKey, 1, FileBatchIds.Copy(1, 0)));

        // Act
        var result = await CopyAsync(cycle: 1, FileBatchIds.Copy(1, 0));

        // Assert
        Assert.Equal(1, diff.CopyBatches);
        Assert.Null(listed.Md5);
        Assert.Equal(3003, listed.Size);
        Assert.Equal(1, result.Copied);
        Assert.Equal(0, result.Failed);
        Assert.Equal(3003, (await _destination.GetBlobClient("consumer/latest/data/blocks.bin").GetPropertiesAsync()).Value.ContentLength);
    }

    [Fact]
    public async Task BeginFileSync_ConnectionNoLongerOpenToTheTenant_RefusesAndIssuesNoSas()
    {
        // Arrange: the share was saved while the tenant was granted the host's account; the grant is gone now.
        UseSettings(batchSize: 100, maxConcurrentBatches: 4, grantHostAccount: false);
        var store = _services.GetRequiredService<ShareStore>();

        // Act
        var error = await Assert.ThrowsAsync<UnauthorizedAccessException>(BeginAsync);

        // Assert
        Assert.Contains("not granted to this tenant", error.Message, StringComparison.Ordinal);
        var transfer = (await store.GetTransferAsync(_transfer.ShareId, _transfer.TransferId))!;
        Assert.Null(transfer.AccessDetails);
        Assert.Equal(ShareTransferStatus.Sending, transfer.Status);
    }

    [Fact]
    public async Task BeginFileSync_SasInItsLastQuarter_RenewsItAndKeepsAFreshOne()
    {
        // Arrange: a 4-second SAS, renewed by the check that finds less than a second left.
        UseSettings(batchSize: 100, maxConcurrentBatches: 4, accessTtl: TimeSpan.FromSeconds(4));
        var store = _services.GetRequiredService<ShareStore>();
        await BeginAsync();
        var issued = (await store.GetTransferAsync(_transfer.ShareId, _transfer.TransferId))!.AccessDetails!;

        // Act
        await BeginAsync();
        var fresh = (await store.GetTransferAsync(_transfer.ShareId, _transfer.TransferId))!.AccessDetails!;
        await Task.Delay(TimeSpan.FromSeconds(3.2));
        await BeginAsync();
        var renewed = (await store.GetTransferAsync(_transfer.ShareId, _transfer.TransferId))!.AccessDetails!;

        // Assert
        Assert.Equal(issued, fresh);
        Assert.True(renewed.ExpiresAt > issued.ExpiresAt + TimeSpan.FromSeconds(3), $"{issued.ExpiresAt:O} then {renewed.ExpiresAt:O}");
        Assert.NotEqual(issued.Access, renewed.Access);
        var listed = await new BlobContainerClient(new Uri(renewed.Access)).GetBlobsAsync().ToListAsync();
        Assert.Empty(listed);
    }

    [Fact]
    public async Task BeginFileSync_Settings_ReturnsTheLimitsTheCheckRunsWith()
    {
        // Arrange
        UseSettings(batchSize: 100, maxConcurrentBatches: 3);

        // Act
        var begin = await BeginAsync();

        // Assert: the orchestration takes its fan-out from this recorded result, never from settings it reads itself.
        Assert.True(begin.Proceed);
        Assert.Equal(new FileSyncLimits(3, new SharesOptions().MaxErrors), begin.Limits);
    }

    [Fact]
    public async Task CopyBatch_TransferPaused_SkipsWithoutCopying()
    {
        // Arrange
        var paths = await WriteSourceAsync(2);
        await DiffAsync(cycle: 1, initialSend: true);
        await _services.GetRequiredService<ShareStore>().UpdateTransferAsync(
            _transfer.ShareId, _transfer.TransferId, t => t with { Status = ShareTransferStatus.Paused });

        // Act
        var result = await CopyAsync(cycle: 1, FileBatchIds.Copy(1, 0));

        // Assert
        Assert.True(result.Skipped);
        Assert.Equal(0, result.Copied);
        Assert.False(await _destination.GetBlobClient($"consumer/latest/{paths[0]}").ExistsAsync());
    }

    [Fact]
    public async Task DeleteBatch_RecordedFilesGoneFromTheSource_DeletesTheirCopiesAndForgetsThem()
    {
        // Arrange
        UseSettings(batchSize: 100, maxConcurrentBatches: 1);
        var paths = await WriteSourceAsync(3);
        await DiffAsync(cycle: 1, initialSend: true);
        await CopyAsync(cycle: 1, FileBatchIds.Copy(1, 0));
        await _source.GetBlobClient($"{SourcePrefix}/{paths[0]}").DeleteAsync();
        await _source.GetBlobClient($"{SourcePrefix}/{paths[2]}").DeleteAsync();
        var diff = await DiffAsync(cycle: 2, initialSend: false);

        // Act
        var result = await ActivatorUtilities.CreateInstance<DeleteShareFileBatchActivity>(_services).RunAsync(
            new ActivityContext(nameof(DeleteShareFileBatchActivity), "test"), new ShareFileBatchInput(_transfer, 2, FileBatchIds.Delete(1, 0)));

        // Assert
        Assert.Equal(1, diff.DeleteBatches);
        Assert.False(result.Skipped);
        Assert.Equal(2, result.Deleted);
        Assert.False(await _destination.GetBlobClient($"consumer/latest/{paths[0]}").ExistsAsync());
        Assert.True(await _destination.GetBlobClient($"consumer/latest/{paths[1]}").ExistsAsync());
        Assert.False(await _destination.GetBlobClient($"consumer/latest/{paths[2]}").ExistsAsync());
        var recorded = await _services.GetRequiredService<FileSyncStore>().ReadAllAsync(_transfer.StateKey).ToListAsync();
        Assert.Equal([paths[1]], recorded.Select(f => f.Path));
    }

    [Fact]
    public async Task DeleteBatch_CopyWithSnapshots_DeletesItWithItsSnapshots()
    {
        // Arrange: someone with write access to the destination took a snapshot of a copy whose source is then deleted.
        UseSettings(batchSize: 100, maxConcurrentBatches: 1);
        var paths = await WriteSourceAsync(2);
        await DiffAsync(cycle: 1, initialSend: true);
        await CopyAsync(cycle: 1, FileBatchIds.Copy(1, 0));
        var copy = _destination.GetBlobClient($"consumer/latest/{paths[0]}");
        await copy.CreateSnapshotAsync();
        await _source.GetBlobClient($"{SourcePrefix}/{paths[0]}").DeleteAsync();
        await DiffAsync(cycle: 2, initialSend: false);

        // Act
        var result = await ActivatorUtilities.CreateInstance<DeleteShareFileBatchActivity>(_services).RunAsync(
            new ActivityContext(nameof(DeleteShareFileBatchActivity), "test"), new ShareFileBatchInput(_transfer, 2, FileBatchIds.Delete(1, 0)));

        // Assert
        Assert.Equal(1, result.Deleted);
        var left = await _destination.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Snapshots, Prefix = "consumer/latest/" }).ToListAsync();
        Assert.Equal([$"consumer/latest/{paths[1]}"], left.Select(b => b.Name));
    }

    [Fact]
    public async Task WriteBatches_MoreThanOneTransactionHolds_WritesEveryBatch()
    {
        // Arrange: more rows than a transaction takes, and rows large enough that a few fill one.
        var state = _services.GetRequiredService<FileSyncStore>();
        var large = Enumerable.Range(0, 4).Select(b => KeyValuePair.Create(
            FileBatchIds.Copy(1, b),
            (IReadOnlyList<FileWorkItem>)[.. Enumerable.Range(0, 3_000).Select(i => new FileWorkItem($"large/{b}/{i:D4}/{new string('x', 90)}", "etag", i))]));
        var small = Enumerable.Range(0, 150).Select(b => KeyValuePair.Create(
            FileBatchIds.Delete(1, b), (IReadOnlyList<FileWorkItem>)[new FileWorkItem($"small/{b:D3}")]));
        var batches = large.Concat(small).ToList();

        // Act
        await state.WriteBatchesAsync(_transfer.StateKey, 1, batches);

        // Assert
        foreach (var (batchId, items) in batches)
        {
            Assert.Equal(items, await state.ReadBatchAsync(_transfer.StateKey, 1, batchId));
        }
    }

    [Theory]
    [InlineData('é')]
    [InlineData('&')]
    public async Task WriteBatches_FullBatchOfTheLongestEscapedNames_FitsTheEntityLimitAsAzureCountsIt(char letter)
    {
        // Arrange: a full batch of 1,024-character names of a character the default JSON encoder writes as six.
        var state = _services.GetRequiredService<FileSyncStore>();
        var items = Enumerable.Range(0, SharesOptions.MaxBatchSize)
            .Select(i => new FileWorkItem($"{i:D4}{new string(letter, 1_020)}", "\"0x8DC0123456789AB\"", 16_384, "1B2M2Y8AsgTpgAmY7PhCfg=="))
            .ToList();
        var batchId = FileBatchIds.Copy(1, 0);

        // Act
        await state.WriteBatchesAsync(_transfer.StateKey, 1, [KeyValuePair.Create(batchId, (IReadOnlyList<FileWorkItem>)items)]);

        // Assert: Azure counts a string property as two bytes per character and a binary one as its bytes.
        var row = (await Azurite.Tables.GetTableClient(SharesTables.SyncWork).GetEntityAsync<TableEntity>($"{_transfer.StateKey}_{1:D10}", batchId)).Value;
        var size = row.Where(p => p.Key is not ("odata.etag" or "Timestamp")).Sum(p => (2 * p.Key.Length) + p.Value switch
        {
            string text => 2 * text.Length,
            byte[] bytes => bytes.Length,
            _ => 8,
        });
        Assert.InRange(size, 1, 1_024 * 1_024);
        Assert.Equal(items, await state.ReadBatchAsync(_transfer.StateKey, 1, batchId));
    }

    [Fact]
    public async Task ReadBatch_RowInTheEarlierTextLayout_ReadsItsItems()
    {
        // Arrange: a batch as hosts before binary parts wrote it, by a check that runs on across an upgrade.
        var items = new List<FileWorkItem> { new("data/a.txt", "\"etag-a\"", 3, "md5a"), new("data/b & c.txt", "\"etag-b\"", 4) };
        var json = DurableJson.Serialize(items)!;
        var batchId = FileBatchIds.Copy(1, 0);
        var work = Azurite.Tables.GetTableClient(SharesTables.SyncWork);
        await work.CreateIfNotExistsAsync();
        await work.UpsertEntityAsync(new TableEntity($"{_transfer.StateKey}_{1:D10}", batchId) { ["Items0"] = json[..10], ["Items1"] = json[10..] });

        // Act
        var read = await _services.GetRequiredService<FileSyncStore>().ReadBatchAsync(_transfer.StateKey, 1, batchId);

        // Assert
        Assert.Equal(items, read);
    }

    [Theory]
    [InlineData(0, 50, "BatchSize must be between 1 and 100")]
    [InlineData(SharesOptions.MaxBatchSize + 1, 50, "BatchSize must be between 1 and 100")]
    [InlineData(100, 0, "MaxTransfersPerShare must be between 1 and 99")]
    [InlineData(100, SharesOptions.MaxTransfersPerShareCeiling + 1, "MaxTransfersPerShare must be between 1 and 99")]
    public void Options_OutOfRange_FailValidation(int batchSize, int maxTransfersPerShare, string expected)
    {
        // Arrange
        UseSettings(batchSize, maxConcurrentBatches: 4, maxTransfersPerShare: maxTransfersPerShare);

        // Act
        var failure = Assert.Throws<OptionsValidationException>(() => _services.GetRequiredService<IOptions<SharesOptions>>().Value);

        // Assert
        Assert.Contains("Transfers:Shares:" + expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoveState_SomeRowsAlreadyGone_RemovesTheRest()
    {
        // Arrange
        var state = _services.GetRequiredService<FileSyncStore>();
        await state.UpsertAsync(_transfer.StateKey, [new FileState("a", "e1", 1), new FileState("b", "e2", 2), new FileState("c", "e3", 3)]);
        await state.RemoveAsync(_transfer.StateKey, ["b"]);

        // Act
        await state.RemoveAsync(_transfer.StateKey, ["a", "b", "c"]);

        // Assert
        Assert.Empty(await state.ReadAllAsync(_transfer.StateKey).ToListAsync());
    }

    private void UseSettings(
        int batchSize, int maxConcurrentBatches, TimeSpan? accessTtl = null, bool grantHostAccount = true, int maxTransfersPerShare = 50, int listPageSize = 5000)
    {
        _services?.Dispose();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Transfers:Shares:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Transfers:Shares:MaxConcurrentBatches"] = maxConcurrentBatches.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Transfers:Shares:AccessTtl"] = accessTtl?.ToString(),
            ["Transfers:Shares:MaxTransfersPerShare"] = maxTransfersPerShare.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Transfers:Shares:ListPageSize"] = listPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Transfers:Grants:acme:default"] = grantHostAccount ? "*" : null,
        }).Build();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddTransfersCore()
            .BuildServiceProvider();
    }

    /// <summary>Writes <paramref name="count"/> files under <c>data/</c> and returns their paths in listing order.</summary>
    private async Task<List<string>> WriteSourceAsync(int count)
    {
        var paths = Enumerable.Range(0, count).Select(i => $"data/f{i:D3}.txt").ToList();
        foreach (var path in paths)
        {
            // A single-shot upload gets a Content-MD5 from the service, which the copy's verification compares.
            await _source.GetBlobClient($"{SourcePrefix}/{path}").UploadAsync(BinaryData.FromString($"content of {path}"));
        }

        return paths;
    }

    private Task<DiffShareSourcePageResult> DiffAsync(long cycle, bool initialSend) =>
        ActivatorUtilities.CreateInstance<DiffShareSourcePageActivity>(_services).RunAsync(
            new ActivityContext(nameof(DiffShareSourcePageActivity), "test"), new DiffShareSourcePageInput(_transfer, cycle, 1, DiffCursor.Start, initialSend));

    private Task<BeginShareFileSyncResult> BeginAsync() =>
        ActivatorUtilities.CreateInstance<BeginShareFileSyncActivity>(_services).RunAsync(
            new ActivityContext(nameof(BeginShareFileSyncActivity), "test"), new BeginShareCheckInput(_transfer, 1, InitialSend: true));

    private Task<CopyShareFileBatchResult> CopyAsync(long cycle, string batchId) =>
        ActivatorUtilities.CreateInstance<CopyShareFileBatchActivity>(_services).RunAsync(
            new ActivityContext(nameof(CopyShareFileBatchActivity), "test"), new ShareFileBatchInput(_transfer, cycle, batchId));

    private async Task<List<IReadOnlyList<FileWorkItem>>> ReadCopyBatchesAsync(long cycle, int count)
    {
        var state = _services.GetRequiredService<FileSyncStore>();
        var batches = new List<IReadOnlyList<FileWorkItem>>();
        for (var i = 0; i < count; i++)
        {
            batches.Add(await state.ReadBatchAsync(_transfer.StateKey, cycle, FileBatchIds.Copy(1, i)));
        }

        return batches;
    }
}
