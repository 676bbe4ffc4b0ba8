namespace Transfers.Core.Shares;

/// <summary>What a copy or delete batch activity works on: the share, its files destination and the batch's files.</summary>
/// <param name="Share">The share.</param>
/// <param name="Destination">The files destination the transfer runs against.</param>
/// <param name="DestinationContainer">The destination container.</param>
/// <param name="Items">The files of the batch.</param>
public sealed record FileBatch(Share Share, ShareDestination Destination, string DestinationContainer, IReadOnlyList<FileWorkItem> Items)
{
    /// <summary>
    /// Reads the transfer, the share and the batch side by side: they are independent, and every batch waits for all three
    /// before its first file.
    /// </summary>
    /// <param name="store">The share records.</param>
    /// <param name="state">The per-file state and work batches.</param>
    /// <param name="request">The batch request.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The batch; null when the transfer no longer runs or has no files destination.</returns>
    public static async Task<FileBatch?> LoadAsync(ShareStore store, FileSyncStore state, ShareFileBatchInput request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);
        var reference = request.Transfer;
        var transfer = store.GetTransferAsync(reference.ShareId, reference.TransferId, cancellationToken);
        var share = store.GetShareAsync(reference.Tenant, reference.ShareId, cancellationToken);
        var items = state.ReadBatchAsync(reference.StateKey, request.Cycle, request.BatchId, cancellationToken);
        await Task.WhenAll(transfer, share, items);
        if (transfer.Result is not { } running || !ShareTransferStatus.IsRunnable(running.Status)
            || share.Result is not { } found || running.DestinationIn(found) is not { Container: { } container } destination)
        {
            return null;
        }

        return new FileBatch(found, destination, container, items.Result);
    }
}
