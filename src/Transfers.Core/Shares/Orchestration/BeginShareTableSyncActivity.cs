using Transfers.Core.DurableTask;
using Transfers.Core.Storage;

namespace Transfers.Core.Shares;

/// <summary>
/// Starts a table check: publishes how the consumer reads the tables as <c>accessDetails</c> (the destination table
/// names; for a postgres destination the warehouse share identifier, the schema, the share's read-only role, ensured
/// here, and the tables), resets the progress and sets the status to sending (first load) or syncing.
/// </summary>
public sealed class BeginShareTableSyncActivity : Activity<BeginShareCheckInput, BeginShareTableSyncResult>
{
    private readonly ShareStore _store;
    private readonly StorageAccessPolicy _storage;
    private readonly ShareWarehouseAccess _warehouse;

    /// <summary>Initializes a new instance of the <see cref="BeginShareTableSyncActivity"/> class.</summary>
    /// <param name="store">The share records.</param>
    /// <param name="storage">Decides which schemas the share's tenant may use.</param>
    /// <param name="warehouse">The consumer's access to postgres destinations.</param>
    public BeginShareTableSyncActivity(ShareStore store, StorageAccessPolicy storage, ShareWarehouseAccess warehouse)
    {
        _store = store;
        _storage = storage;
        _warehouse = warehouse;
    }

    /// <inheritdoc/>
    public override async Task<BeginShareTableSyncResult> RunAsync(ActivityContext context, BeginShareCheckInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reference = input.Transfer;
        var (share, current) = await _store.GetCheckedAsync(reference, cancellationToken);
        var tables = current.Contents.Tables ?? [];
        ShareAccessDetails access;
        switch (current.DestinationIn(share))
        {
            case { Kind: ShareDestinationKinds.Table } destination:
                access = new ShareAccessDetails(string.Join(",", tables.Select(table => DestinationTableName(destination, table))), null);
                break;
            case { Kind: ShareDestinationKinds.Postgres } destination:
                (await _storage.ForTenantAsync(share.Tenant, cancellationToken)).DemandSchema(destination.Connection, destination.Schema ?? string.Empty);

                // Ensured on every check: the schema and the role's grants come back if someone dropped them since.
                access = await _warehouse.EnsureAccessAsync(destination, share.Id, [.. tables.Select(table => table.Name)], cancellationToken);
                break;
            default:
                throw new InvalidOperationException("The transfer has no table or postgres destination.");
        }

        var stored = await _store.UpdateTransferAsync(
            current,
            t => ShareTransferStatus.IsRunnable(t.Status)
                ? t with
                {
                    Status = input.InitialSend ? ShareTransferStatus.Sending : ShareTransferStatus.Syncing,
                    Progress = ShareProgress.None,
                    AccessDetails = access,
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
