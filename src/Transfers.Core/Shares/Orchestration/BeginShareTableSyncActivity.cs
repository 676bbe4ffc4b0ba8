using Transfers.Core.DurableTask;

namespace Transfers.Core.Shares;

/// <summary>
/// Starts a table check: publishes the destination table names as <c>accessDetails</c>, resets the progress and sets the
/// status to sending (first load) or syncing.
/// </summary>
public sealed class BeginShareTableSyncActivity : Activity<BeginShareCheckInput, BeginShareTableSyncResult>
{
    private readonly ShareStore _store;

    /// <summary>Initializes a new instance of the <see cref="BeginShareTableSyncActivity"/> class.</summary>
    /// <param name="store">The share records.</param>
    public BeginShareTableSyncActivity(ShareStore store) => _store = store;

    /// <inheritdoc/>
    public override async Task<BeginShareTableSyncResult> RunAsync(ActivityContext context, BeginShareCheckInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reference = input.Transfer;
        var share = await _store.GetShareAsync(reference.Tenant, reference.ShareId, cancellationToken)
            ?? throw new InvalidOperationException("The share no longer exists.");
        var current = await _store.GetTransferAsync(reference.ShareId, reference.TransferId, cancellationToken)
            ?? throw new InvalidOperationException("The transfer no longer exists.");
        if (current.DestinationIn(share) is not { Kind: ShareDestinationKinds.Table } destination)
        {
            throw new InvalidOperationException("The transfer has no table destination.");
        }

        var stored = await _store.UpdateTransferAsync(
            current,
            t => ShareTransferStatus.IsRunnable(t.Status)
                ? t with
                {
                    Status = input.InitialSend ? ShareTransferStatus.Sending : ShareTransferStatus.Syncing,
                    Progress = ShareProgress.None,
                    AccessDetails = new ShareAccessDetails(
                        string.Join(",", (t.Contents.Tables ?? []).Select(table => DestinationTableName(destination, table))), null),
                }
                : null,
            cancellationToken);
        var status = stored?.Status ?? ShareTransferStatus.Canceled;
        return ShareTransferStatus.IsRunnable(status)
            ? new BeginShareTableSyncResult(true, stored!.Contents.Tables?.Count ?? 0, status)
            : new BeginShareTableSyncResult(false, 0, status);
    }

    /// <summary>The destination table of a table entity: the destination's prefix and the entity's name.</summary>
    /// <param name="destination">The table destination.</param>
    /// <param name="table">The table entity.</param>
    /// <returns>The table name.</returns>
    public static string DestinationTableName(ShareDestination destination, ShareTableEntity table)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(table);
        return (destination.TablePrefix ?? string.Empty) + table.Name;
    }
}
