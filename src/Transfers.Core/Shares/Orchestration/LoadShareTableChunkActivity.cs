using Transfers.Core.DurableTask;
using Transfers.Core.Storage;
using Transfers.Core.Telemetry;

namespace Transfers.Core.Shares;

/// <summary>
/// Loads one chunk of one table through the loader of the destination's kind (<see cref="IShareTableLoader"/> for a
/// table destination, <see cref="PostgresShareTableLoader"/> for a postgres one); a failing table is reported, not thrown.
/// </summary>
public sealed class LoadShareTableChunkActivity : Activity<LoadShareTableChunkInput, LoadShareTableChunkResult>
{
    private readonly ShareStore _store;
    private readonly IShareTableLoader _loader;
    private readonly PostgresShareTableLoader _warehouseLoader;
    private readonly StorageAccessPolicy _storage;

    /// <summary>Initializes a new instance of the <see cref="LoadShareTableChunkActivity"/> class.</summary>
    /// <param name="store">The share records.</param>
    /// <param name="loader">The loader of table destinations.</param>
    /// <param name="warehouseLoader">The loader of postgres destinations.</param>
    /// <param name="storage">Decides which tables and schemas the share's tenant may read and write.</param>
    public LoadShareTableChunkActivity(ShareStore store, IShareTableLoader loader, PostgresShareTableLoader warehouseLoader, StorageAccessPolicy storage)
    {
        _store = store;
        _loader = loader;
        _warehouseLoader = warehouseLoader;
        _storage = storage;
    }

    /// <inheritdoc/>
    public override async Task<LoadShareTableChunkResult> RunAsync(ActivityContext context, LoadShareTableChunkInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reference = input.Transfer;
        var (share, transfer) = await _store.GetCheckedAsync(reference, cancellationToken);
        var table = transfer.Contents.Tables?.ElementAtOrDefault(input.TableIndex)
            ?? throw new InvalidOperationException($"The transfer has no table number {input.TableIndex}.");
        if (transfer.DestinationIn(share) is not { Kind: ShareDestinationKinds.Table or ShareDestinationKinds.Postgres } destination)
        {
            return new LoadShareTableChunkResult(table.Name, 0, null, "The transfer has no table or postgres destination.");
        }

        try
        {
            // Checked on every chunk, not only when the request was saved: grants and settings may have changed since.
            var access = await _storage.ForTenantAsync(share.Tenant, cancellationToken);
            access.DemandTable(share.Source.Connection, table.SourceTable);
            IShareTableLoader loader = _loader;
            if (destination.Kind == ShareDestinationKinds.Postgres)
            {
                access.DemandSchema(destination.Connection, destination.Schema ?? string.Empty);
                loader = _warehouseLoader;
            }
            else
            {
                access.DemandTable(destination.Connection, BeginShareTableSyncActivity.DestinationTableName(destination, table));
            }

            var chunk = await loader.LoadChunkAsync(
                new ShareTableLoad(reference.StateKey, input.Cycle, share.Source, destination, table, input.Continuation), cancellationToken);
            TransfersTelemetry.RecordMoved(TransfersTelemetry.Shares, reference.Tenant, rows: chunk.RowsWritten);
            return new LoadShareTableChunkResult(table.Name, chunk.RowsWritten, chunk.Continuation, null);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or UnauthorizedAccessException or Azure.RequestFailedException or Npgsql.NpgsqlException)
        {
            return new LoadShareTableChunkResult(table.Name, 0, null, StorageErrors.Describe("Loading the table", e));
        }
    }
}
