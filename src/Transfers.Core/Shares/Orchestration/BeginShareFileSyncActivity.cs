using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Storage;

namespace Transfers.Core.Shares;

/// <summary>
/// Starts a check: checks that the share's tenant may still use both containers, makes sure the destination container exists, renews the consumer's SAS when it nears expiry, resets
/// the progress and sets the status to sending (first send) or syncing.
/// </summary>
public sealed class BeginShareFileSyncActivity : Activity<BeginShareCheckInput, BeginShareFileSyncResult>
{
    private readonly ShareStore _store;
    private readonly StorageConnections _connections;
    private readonly StorageAccessPolicy _storage;
    private readonly SharesOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="BeginShareFileSyncActivity"/> class.</summary>
    /// <param name="store">The share records.</param>
    /// <param name="connections">The storage connections.</param>
    /// <param name="storage">Decides which containers the share's tenant may read and write.</param>
    /// <param name="options">The Shares settings.</param>
    /// <param name="time">The clock.</param>
    public BeginShareFileSyncActivity(ShareStore store, StorageConnections connections, StorageAccessPolicy storage, IOptions<SharesOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _connections = connections;
        _storage = storage;
        _options = options.Value;
        _time = time;
    }

    /// <inheritdoc/>
    public override async Task<BeginShareFileSyncResult> RunAsync(ActivityContext context, BeginShareCheckInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reference = input.Transfer;
        var (share, current) = await _store.GetCheckedAsync(reference, cancellationToken);
        if (current.DestinationIn(share) is not { Kind: ShareDestinationKinds.Files, Container: { } containerName } destination)
        {
            throw new InvalidOperationException("The transfer has no files destination.");
        }

        // Every check begins here, so no file moves unless the tenant may still use both containers: grants and
        // settings (a hub name) may have changed since the share was saved.
        var access = await _storage.ForTenantAsync(share.Tenant, cancellationToken);
        access.DemandContainer(share.Source.Connection, share.Source.Container);
        access.DemandContainer(destination.Connection, containerName);
        var container = _connections.Blobs(destination.Connection).GetBlobContainerClient(containerName);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

        var now = _time.GetUtcNow();
        ShareAccessDetails? renewed = null;
        if (current.AccessDetails?.ExpiresAt is not { } expiresAt || expiresAt - now < _options.AccessTtl / 4)
        {
            var expiry = now + _options.AccessTtl;
            renewed = new ShareAccessDetails((await ShareSas.ContainerReadListAsync(container, expiry, cancellationToken)).ToString(), expiry);
        }

        var stored = await _store.UpdateTransferAsync(
            current,
            t => ShareTransferStatus.IsRunnable(t.Status)
                ? t with
                {
                    Status = input.InitialSend ? ShareTransferStatus.Sending : ShareTransferStatus.Syncing,
                    Progress = ShareProgress.None,
                    AccessDetails = renewed ?? t.AccessDetails,
                }
                : renewed is null ? null : t with { AccessDetails = renewed },
            cancellationToken);
        var status = stored?.Status ?? ShareTransferStatus.Canceled;
        return new BeginShareFileSyncResult(ShareTransferStatus.IsRunnable(status), status, FileSyncLimits.Of(_options));
    }
}
