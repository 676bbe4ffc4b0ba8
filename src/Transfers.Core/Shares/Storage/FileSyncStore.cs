using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Transfers.Core.Tabular;

namespace Transfers.Core.Shares;

/// <summary>What the destination holds of one file: the source version last copied.</summary>
/// <param name="Path">The path relative to the source prefix.</param>
/// <param name="ETag">The source ETag when it was copied.</param>
/// <param name="Size">The size in bytes.</param>
public sealed record FileState(string Path, string ETag, long Size);

/// <summary>One file of a copy or delete batch.</summary>
/// <param name="Path">The path relative to the source prefix.</param>
/// <param name="ETag">The source ETag seen by the diff (copies only).</param>
/// <param name="Size">The source size seen by the diff (copies only).</param>
/// <param name="Md5">The source Content-MD5 in base64, when the source has one (copies only).</param>
public sealed record FileWorkItem(string Path, string? ETag = null, long Size = 0, string? Md5 = null);

/// <summary>
/// The per-file state of file transfers (table <c>ShareFileState</c>: partition = state key, row = <see cref="PathKey"/>)
/// and the work batches of a check (table <c>ShareSyncWork</c>: partition = state key and cycle, one row per batch).
/// Activities exchange batch ids through the orchestration and keep the paths here, out of orchestration history.
/// </summary>
public sealed class FileSyncStore
{
    /// <summary>JSON bytes of work rows per transaction: a transaction carries at most 4 MiB, and base64 grows binary properties by a third.</summary>
    private const int MaxTransactionBytes = 2_000_000;
    private readonly SharesTables _tables;

    /// <summary>Initializes a new instance of the <see cref="FileSyncStore"/> class.</summary>
    /// <param name="tables">The family's tables; state lives in the host's own account.</param>
    public FileSyncStore(SharesTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _tables = tables;
    }

    /// <summary>Reads the state rows in a row-key range, in order, one page at a time.</summary>
    /// <param name="stateKey">The state key.</param>
    /// <param name="fromKey">The lower bound.</param>
    /// <param name="fromInclusive">Whether the lower bound is included.</param>
    /// <param name="toKey">The upper bound; none when null.</param>
    /// <param name="toInclusive">Whether the upper bound is included.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows.</returns>
    public async IAsyncEnumerable<FileState> ReadRangeAsync(
        string stateKey, string fromKey, bool fromInclusive, string? toKey, bool toInclusive,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var state = await _tables.GetAsync(SharesTables.FileState);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {stateKey}") +
            (fromInclusive ? TableClient.CreateQueryFilter($" and RowKey ge {fromKey}") : TableClient.CreateQueryFilter($" and RowKey gt {fromKey}")) +
            (toKey is null ? string.Empty : toInclusive ? TableClient.CreateQueryFilter($" and RowKey le {toKey}") : TableClient.CreateQueryFilter($" and RowKey lt {toKey}"));
        await foreach (var row in state.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["Path", "ETag0", "Size"], cancellationToken: cancellationToken))
        {
            yield return ToState(row);
        }
    }

    /// <summary>Reads every state row of a transfer, in path order.</summary>
    /// <param name="stateKey">The state key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows.</returns>
    public async IAsyncEnumerable<FileState> ReadAllAsync(string stateKey, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var state = await _tables.GetAsync(SharesTables.FileState);
        await foreach (var row in state.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {stateKey}"), maxPerPage: 1000, select: ["Path", "ETag0", "Size"], cancellationToken: cancellationToken))
        {
            yield return ToState(row);
        }
    }

    /// <summary>Records copied files.</summary>
    /// <param name="stateKey">The state key.</param>
    /// <param name="files">The files.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public async Task UpsertAsync(string stateKey, IEnumerable<FileState> files, CancellationToken cancellationToken = default)
    {
        var state = await _tables.GetAsync(SharesTables.FileState);
        foreach (var chunk in files.Chunk(TableBatchWriter.MaxBatchSize))
        {
            var actions = chunk.Select(f => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(stateKey, PathKey.Encode(f.Path))
            {
                ["Path"] = f.Path,
                ["ETag0"] = f.ETag,
                ["Size"] = f.Size,
            }));
            await state.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    /// <summary>Forgets deleted files; missing rows are ignored.</summary>
    /// <param name="stateKey">The state key.</param>
    /// <param name="paths">The paths.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public async Task RemoveAsync(string stateKey, IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        var state = await _tables.GetAsync(SharesTables.FileState);
        foreach (var chunk in paths.Distinct(StringComparer.Ordinal).Chunk(TableBatchWriter.MaxBatchSize))
        {
            try
            {
                await state.SubmitTransactionAsync(
                    chunk.Select(p => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(stateKey, PathKey.Encode(p)), ETag.All)),
                    cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                // A repeated activity finds some rows gone, which fails the whole transaction; one by one, DeleteEntity
                // with ETag.All treats a missing row as success.
                foreach (var path in chunk)
                {
                    await state.DeleteEntityAsync(stateKey, PathKey.Encode(path), ETag.All, cancellationToken);
                }
            }
        }
    }

    /// <summary>Writes one work batch; a repeated write replaces it.</summary>
    /// <param name="stateKey">The state key.</param>
    /// <param name="cycle">The check number.</param>
    /// <param name="batchId">The batch id.</param>
    /// <param name="items">The files.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public Task WriteBatchAsync(string stateKey, long cycle, string batchId, IReadOnlyList<FileWorkItem> items, CancellationToken cancellationToken = default) =>
        WriteBatchesAsync(stateKey, cycle, [new KeyValuePair<string, IReadOnlyList<FileWorkItem>>(batchId, items)], cancellationToken);

    /// <summary>
    /// Writes work batches in as few table transactions as their size allows (all rows share the check's partition), so
    /// that a diff page's batches cost one round trip rather than one each; a repeated write replaces them.
    /// </summary>
    /// <param name="stateKey">The state key.</param>
    /// <param name="cycle">The check number.</param>
    /// <param name="batches">The batches by id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public async Task WriteBatchesAsync(
        string stateKey, long cycle, IReadOnlyList<KeyValuePair<string, IReadOnlyList<FileWorkItem>>> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var work = await _tables.GetAsync(SharesTables.SyncWork);
        var partition = WorkPartition(stateKey, cycle);
        var transaction = new List<TableTransactionAction>();
        var bytes = 0;
        foreach (var (batchId, items) in batches)
        {
            var json = ShareJson.Serialize(items);
            if (transaction.Count == TableBatchWriter.MaxBatchSize || (transaction.Count > 0 && bytes + json.Length > MaxTransactionBytes))
            {
                await work.SubmitTransactionAsync(transaction, cancellationToken);
                transaction = [];
                bytes = 0;
            }

            var entity = new TableEntity(partition, batchId);
            ShareJson.SetParts(entity, json);
            transaction.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
            bytes += json.Length;
        }

        if (transaction.Count > 0)
        {
            await work.SubmitTransactionAsync(transaction, cancellationToken);
        }
    }

    /// <summary>Reads one work batch.</summary>
    /// <param name="stateKey">The state key.</param>
    /// <param name="cycle">The check number.</param>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The files; empty when the batch is gone.</returns>
    public async Task<IReadOnlyList<FileWorkItem>> ReadBatchAsync(string stateKey, long cycle, string batchId, CancellationToken cancellationToken = default)
    {
        var work = await _tables.GetAsync(SharesTables.SyncWork);
        var row = await work.GetEntityIfExistsAsync<TableEntity>(WorkPartition(stateKey, cycle), batchId, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return [];
        }

        // A batch in the text layout was written by a check that was running when the host was upgraded.
        return ShareJson.ReadParts<List<FileWorkItem>>(row.Value!, legacyPrefix: "Items") ?? [];
    }

    /// <summary>Deletes every work batch of a check.</summary>
    /// <param name="stateKey">The state key.</param>
    /// <param name="cycle">The check number.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>A task.</returns>
    public async Task DeleteBatchesAsync(string stateKey, long cycle, CancellationToken cancellationToken = default)
    {
        var work = await _tables.GetAsync(SharesTables.SyncWork);
        var partition = WorkPartition(stateKey, cycle);
        var keys = new List<string>();
        await foreach (var row in work.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(row.RowKey);
        }

        foreach (var chunk in keys.Chunk(TableBatchWriter.MaxBatchSize))
        {
            await work.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, k))), cancellationToken);
        }
    }

    private static string WorkPartition(string stateKey, long cycle) => stateKey + "_" + cycle.ToString("D10", CultureInfo.InvariantCulture);

    private static FileState ToState(TableEntity row) => new(row.GetString("Path"), row.GetString("ETag0") ?? string.Empty, row.GetInt64("Size") ?? 0);
}
