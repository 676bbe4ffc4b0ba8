using Transfers.Core.DurableTask;
using Transfers.Core.Storage;

namespace Transfers.Core.Shares;

/// <summary>
/// Deletes one batch of destination files whose source is gone (or that are no longer selected) and forgets them.
/// Deleting what is already gone succeeds, so the activity may run more than once.
/// </summary>
public sealed class DeleteFileBatchActivity : Activity<FileBatchRequest, DeleteBatchResult>
{
    private readonly ShareStore _store;
    private readonly FileSyncStore _state;
    private readonly StorageConnections _connections;

    /// <summary>Initializes a new instance of the <see cref="DeleteFileBatchActivity"/> class.</summary>
    /// <param name="store">The share records.</param>
    /// <param name="state">The per-file state.</param>
    /// <param name="connections">The storage connections.</param>
    public DeleteFileBatchActivity(ShareStore store, FileSyncStore state, StorageConnections connections)
    {
        _store = store;
        _state = state;
        _connections = connections;
    }

    /// <inheritdoc/>
    public override async Task<DeleteBatchResult> RunAsync(ActivityContext context, FileBatchRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reference = input.Transfer;
        var transfer = await _store.GetTransferAsync(reference.ShareId, reference.TransferId, cancellationToken);
        var share = await _store.GetShareAsync(reference.Tenant, reference.ShareId, cancellationToken);
        if (transfer is null || !ShareTransferStatus.IsRunnable(transfer.Status) || share?.Destination is not { Container: { } containerName } destination)
        {
            return new DeleteBatchResult(true, 0);
        }

        var items = await _state.ReadBatchAsync(reference.StateKey, input.Cycle, input.BatchId, cancellationToken);
        var container = _connections.Blobs(destination.Connection).GetBlobContainerClient(containerName);
        await Parallel.ForEachAsync(
            items,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (item, ct) => await container.GetBlobClient(SharePaths.DestinationBlob(destination, item.Path)).DeleteIfExistsAsync(cancellationToken: ct));
        await _state.RemoveAsync(reference.StateKey, items.Select(i => i.Path), cancellationToken);
        return new DeleteBatchResult(false, items.Count);
    }
}
