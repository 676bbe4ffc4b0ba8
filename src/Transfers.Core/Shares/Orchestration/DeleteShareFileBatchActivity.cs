using Azure.Storage.Blobs.Models;
using Transfers.Core.DurableTask;
using Transfers.Core.Storage;

namespace Transfers.Core.Shares;

/// <summary>
/// Deletes one batch of destination files whose source is gone (or that are no longer selected), with any snapshots of
/// them (the service refuses to delete a blob that has some), and forgets them. Deleting what is already gone succeeds,
/// so the activity may run more than once.
/// </summary>
public sealed class DeleteShareFileBatchActivity : Activity<ShareFileBatchInput, DeleteShareFileBatchResult>
{
    private readonly ShareStore _store;
    private readonly FileSyncStore _state;
    private readonly StorageConnections _connections;

    /// <summary>Initializes a new instance of the <see cref="DeleteShareFileBatchActivity"/> class.</summary>
    /// <param name="store">The share records.</param>
    /// <param name="state">The per-file state.</param>
    /// <param name="connections">The storage connections.</param>
    public DeleteShareFileBatchActivity(ShareStore store, FileSyncStore state, StorageConnections connections)
    {
        _store = store;
        _state = state;
        _connections = connections;
    }

    /// <inheritdoc/>
    public override async Task<DeleteShareFileBatchResult> RunAsync(ActivityContext context, ShareFileBatchInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (await FileBatch.LoadAsync(_store, _state, input, cancellationToken) is not { } batch)
        {
            return new DeleteShareFileBatchResult(true, 0);
        }

        var container = _connections.Blobs(batch.Destination.Connection).GetBlobContainerClient(batch.DestinationContainer);
        await Parallel.ForEachAsync(
            batch.Items,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (item, ct) => await container.GetBlobClient(SharePaths.DestinationBlob(batch.Destination, item.Path)).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct));
        await _state.RemoveAsync(input.Transfer.StateKey, batch.Items.Select(i => i.Path), cancellationToken);
        return new DeleteShareFileBatchResult(false, batch.Items.Count);
    }
}
