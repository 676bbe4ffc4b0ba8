using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Storage;

namespace Transfers.Core.Shares;

/// <summary>
/// Lists up to <see cref="SharesOptions.ListPageSize"/> source files from the cursor on and compares them with the
/// per-file state of the same path range: new and changed files go to copy batches, recorded files missing from the
/// source to delete batches. Memory holds one page of the listing, whatever the size of the source.
/// </summary>
public sealed class DiffShareSourcePageActivity : Activity<DiffShareSourcePageInput, DiffShareSourcePageResult>
{
    private readonly ShareStore _store;
    private readonly FileSyncStore _state;
    private readonly StorageConnections _connections;
    private readonly SharesOptions _options;

    /// <summary>Initializes a new instance of the <see cref="DiffShareSourcePageActivity"/> class.</summary>
    /// <param name="store">The share records.</param>
    /// <param name="state">The per-file state.</param>
    /// <param name="connections">The storage connections.</param>
    /// <param name="options">The Shares settings.</param>
    public DiffShareSourcePageActivity(ShareStore store, FileSyncStore state, StorageConnections connections, IOptions<SharesOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _state = state;
        _connections = connections;
        _options = options.Value;
    }

    /// <inheritdoc/>
    public override async Task<DiffShareSourcePageResult> RunAsync(ActivityContext context, DiffShareSourcePageInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reference = input.Transfer;
        var (share, transfer) = await _store.GetCheckedAsync(reference, cancellationToken);
        var selections = SharePaths.Normalize(transfer.Contents.PathNames ?? []);
        var container = _connections.Blobs(share.Source.Connection).GetBlobContainerClient(share.Source.Container);
        if (!await container.ExistsAsync(cancellationToken))
        {
            throw new InvalidOperationException($"The source container '{share.Source.Container}' does not exist.");
        }

        var sourceFolder = SharePaths.Folder(share.Source.Prefix);
        var batchSize = _options.BatchSize;
        var window = Math.Max(1, _options.MaxConcurrentBatches);
        var batches = new BatchWriter(_state, reference.StateKey, input.Cycle, input.Page, batchSize, window);
        // The first page of a first send lists one window's worth, so that copying starts early and the next pages are
        // listed while it runs. A re-sync copies little, and one long page costs fewer round trips.
        var pageSize = Math.Max(1, input.InitialSend && input.Page == 1 ? Math.Min(_options.ListPageSize, batchSize * window) : _options.ListPageSize);
        long listed = 0;
        DiffCursor? cursor = input.Cursor;
        while (cursor is not null && cursor.Selection < selections.Count && listed < pageSize)
        {
            var selection = selections[cursor.Selection];
            var isFolder = selection.EndsWith('/');
            // A file sorts before every longer name it prefixes, so the first listed name tells whether it exists.
            var page = await ListOnePageAsync(
                container, sourceFolder + selection, cursor.ContinuationToken, isFolder ? (int)Math.Min(5000, pageSize - listed) : 1, cancellationToken);
            var files = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
            string? lastPath = null;
            foreach (var blob in page.Values)
            {
                var path = blob.Name[sourceFolder.Length..];
                if (isFolder || path.Equals(selection, StringComparison.Ordinal))
                {
                    files[path] = blob;
                }

                lastPath = path;
            }

            listed += files.Count;
            var done = !isFolder || string.IsNullOrEmpty(page.ContinuationToken);
            if (done || lastPath is not null)
            {
                await CompareAsync(reference.StateKey, selection, isFolder, cursor.LastPath, done ? null : lastPath, files, batches, cancellationToken);
            }

            cursor = done
                ? (cursor.Selection + 1 < selections.Count ? new DiffCursor(cursor.Selection + 1, null, null) : null)
                : new DiffCursor(cursor.Selection, page.ContinuationToken, lastPath ?? cursor.LastPath);
        }

        await batches.FlushAsync(cancellationToken);
        return new DiffShareSourcePageResult(cursor, listed, batches.CopyBatches, batches.CopyFiles, batches.CopyBytes, batches.DeleteBatches, batches.DeleteFiles);
    }

    private static async Task<Azure.Page<BlobItem>> ListOnePageAsync(BlobContainerClient container, string prefix, string? continuation, int size, CancellationToken cancellationToken)
    {
        await foreach (var page in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).AsPages(continuation, size))
        {
            return page;
        }

        throw new InvalidOperationException("The listing returned no page.");
    }

    /// <summary>
    /// Walks the recorded state of the range the page covers: after the previous page's last path, up to this page's
    /// last path (or the end of the selection when the listing is complete).
    /// </summary>
    private async Task CompareAsync(
        string stateKey, string selection, bool isFolder, string? afterPath, string? upToPath, Dictionary<string, BlobItem> files, BatchWriter batches, CancellationToken cancellationToken)
    {
        var selectionKey = PathKey.Encode(selection);
        var (fromKey, fromInclusive) = afterPath is null ? (selectionKey, true) : (PathKey.Encode(afterPath), false);
        var (toKey, toInclusive) = upToPath is not null
            ? (PathKey.Encode(upToPath), true)
            : isFolder ? (PathKey.UpperBound(selectionKey), false) : (selectionKey, true);
        await foreach (var recorded in _state.ReadRangeAsync(stateKey, fromKey, fromInclusive, toKey, toInclusive, cancellationToken))
        {
            if (files.Remove(recorded.Path, out var blob))
            {
                if (!IsSameVersion(recorded, blob))
                {
                    await batches.AddCopyAsync(ToWorkItem(recorded.Path, blob), cancellationToken);
                }
            }
            else
            {
                await batches.AddDeleteAsync(new FileWorkItem(recorded.Path), cancellationToken);
            }
        }

        foreach (var (path, blob) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            await batches.AddCopyAsync(ToWorkItem(path, blob), cancellationToken);
        }
    }

    private static bool IsSameVersion(FileState recorded, BlobItem blob) =>
        recorded.Size == (blob.Properties.ContentLength ?? -1) && recorded.ETag == blob.Properties.ETag?.ToString();

    private static FileWorkItem ToWorkItem(string path, BlobItem blob) => new(
        path,
        blob.Properties.ETag?.ToString(),
        blob.Properties.ContentLength ?? 0,
        blob.Properties.ContentHash is { Length: > 0 } md5 ? Convert.ToBase64String(md5) : null);

    /// <summary>
    /// Groups work items into copy and delete batches. It holds back up to a window of batches and splits what is left at
    /// the end of the page over a whole window, so that a small change (a few hundred files) still runs
    /// <see cref="SharesOptions.MaxConcurrentBatches"/> activities side by side instead of one or two full ones.
    /// </summary>
    private sealed class BatchWriter(FileSyncStore state, string stateKey, long cycle, int page, int batchSize, int window)
    {
        private readonly Queue<FileWorkItem> _copies = new();
        private readonly Queue<FileWorkItem> _deletes = new();

        public int CopyBatches { get; private set; }

        public long CopyFiles { get; private set; }

        public long CopyBytes { get; private set; }

        public int DeleteBatches { get; private set; }

        public long DeleteFiles { get; private set; }

        public async Task AddCopyAsync(FileWorkItem item, CancellationToken cancellationToken)
        {
            _copies.Enqueue(item);
            CopyFiles++;
            CopyBytes += item.Size;
            if (_copies.Count > batchSize * window)
            {
                await WriteAsync(_copies, batchSize, FileBatchIds.Copy(page, CopyBatches++), cancellationToken);
            }
        }

        public async Task AddDeleteAsync(FileWorkItem item, CancellationToken cancellationToken)
        {
            _deletes.Enqueue(item);
            DeleteFiles++;
            if (_deletes.Count > batchSize * window)
            {
                await WriteAsync(_deletes, batchSize, FileBatchIds.Delete(page, DeleteBatches++), cancellationToken);
            }
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            var batches = new List<KeyValuePair<string, IReadOnlyList<FileWorkItem>>>();
            foreach (var size in Split(_copies.Count))
            {
                batches.Add(new(FileBatchIds.Copy(page, CopyBatches++), Take(_copies, size)));
            }

            foreach (var size in Split(_deletes.Count))
            {
                batches.Add(new(FileBatchIds.Delete(page, DeleteBatches++), Take(_deletes, size)));
            }

            await state.WriteBatchesAsync(stateKey, cycle, batches, cancellationToken);
        }

        /// <summary>Batch sizes for the last <paramref name="count"/> items: a whole window of batches, none over the batch size.</summary>
        private List<int> Split(int count)
        {
            var batches = Math.Max((count + batchSize - 1) / batchSize, Math.Min(window, count));
            return [.. Enumerable.Range(0, batches).Select(i => (count / batches) + (i < count % batches ? 1 : 0))];
        }

        private static List<FileWorkItem> Take(Queue<FileWorkItem> items, int size)
        {
            var batch = new List<FileWorkItem>(size);
            while (batch.Count < size)
            {
                batch.Add(items.Dequeue());
            }

            return batch;
        }

        private Task WriteAsync(Queue<FileWorkItem> items, int size, string batchId, CancellationToken cancellationToken) =>
            state.WriteBatchAsync(stateKey, cycle, batchId, Take(items, size), cancellationToken);
    }
}
