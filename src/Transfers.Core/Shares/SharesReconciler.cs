using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Reconciliation;

namespace Transfers.Core.Shares;

/// <summary>
/// The Shares part of the reconciler. A transfer that is sending, syncing, synced or paused has an eternal
/// orchestration: a missing one is scheduled again as a start or resume does (the per-file state makes the next check
/// copy only what changed); a terminated or failed one leaves the transfer <c>failed</c> with an error saying so, until
/// the client starts it again; one that completed (it ended on a cancel) leaves it <c>canceled</c>.
/// </summary>
/// <param name="store">The share records.</param>
/// <param name="options">The Shares settings.</param>
/// <param name="time">The clock.</param>
public sealed class SharesReconciler(ShareStore store, IOptions<SharesOptions> options, TimeProvider time) : FamilyReconciler
{
    /// <inheritdoc/>
    public override string Family => "shares";

    /// <inheritdoc/>
    public override IAsyncEnumerable<IReadOnlyList<ActiveRecord>> ListActiveAsync(int pageSize, CancellationToken cancellationToken = default) =>
        store.ListActiveTransfersAsync(pageSize, cancellationToken);

    /// <inheritdoc/>
    public override string InstanceId(ActiveRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return ShareSyncOrchestration.InstanceId(record.RowKey);
    }

    /// <inheritdoc/>
    public override async Task<bool> RescheduleAsync(IDurableClient durable, ActiveRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return await ReadUnchangedAsync(record, cancellationToken) is { } transfer
            && await ShareSyncOrchestration.TryScheduleAsync(durable, transfer, options.Value.SyncInterval, cancellationToken);
    }

    /// <inheritdoc/>
    public override async Task<bool> FailAsync(ActiveRecord record, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (await ReadUnchangedAsync(record, cancellationToken) is not { } transfer)
        {
            return false;
        }

        var error = new ShareTransferError(null, null, $"The transfer stopped syncing. {what} Start it to resume.", time.GetUtcNow().UtcDateTime);
        return await store.TryReplaceTransferAsync(
            transfer with { Status = ShareTransferStatus.Failed, NextSyncAt = null, Errors = [error, .. transfer.Errors] }, cancellationToken) is not null;
    }

    /// <inheritdoc/>
    public override async Task<bool> FinishAsync(ActiveRecord record, OrchestrationMetadata instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(instance);

        // The automation completes only when a cancel ends it ("ended"); nothing else is a way for it to finish.
        if (instance.ReadOutputAs<string>() != ShareSyncOrchestration.Ended)
        {
            return await FailAsync(record, $"Its orchestration completed unexpectedly, with {instance.SerializedOutput ?? "no output"}.", cancellationToken);
        }

        return await ReadUnchangedAsync(record, cancellationToken) is { } transfer
            && await store.TryReplaceTransferAsync(transfer with { Status = ShareTransferStatus.Canceled, NextSyncAt = null }, cancellationToken) is not null;
    }

    /// <summary>The transfer whole, unless it changed since it was listed (then the next pass decides again).</summary>
    private async Task<ShareTransfer?> ReadUnchangedAsync(ActiveRecord record, CancellationToken cancellationToken) =>
        await store.GetTransferAsync(record.PartitionKey, record.RowKey, cancellationToken) is { } transfer && transfer.ETag == record.ETag ? transfer : null;
}
