using Transfers.Core.DurableTask;
using Transfers.Core.Reconciliation;

namespace Transfers.Core.Exports;

/// <summary>
/// The Exports part of the reconciler. A PENDING or RUNNING transfer has an orchestration: a missing one is scheduled
/// again as a submit does (it waits for its turn, claims the transfer and runs it; files keep their names, so a rerun
/// overwrites rather than adds); a terminated or failed one ends the transfer ERROR with an error saying so; one that
/// completed without recording the end ends it with the status it returned.
/// </summary>
/// <param name="store">The transfer store.</param>
/// <param name="time">The clock.</param>
public sealed class ExportsReconciler(ExportTransferStore store, TimeProvider time) : FamilyReconciler
{
    /// <inheritdoc/>
    public override string Family => "exports";

    /// <inheritdoc/>
    public override IAsyncEnumerable<IReadOnlyList<ActiveRecord>> ListActiveAsync(int pageSize, CancellationToken cancellationToken = default) =>
        store.ListActiveAsync(pageSize, cancellationToken);

    /// <inheritdoc/>
    public override string InstanceId(ActiveRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return ExportTransferOrchestration.InstanceId(record.RowKey);
    }

    /// <inheritdoc/>
    public override Task<bool> RescheduleAsync(IDurableClient durable, ActiveRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);

        // No need to read the record first: the orchestration does, and stops at once for a transfer that ended meanwhile.
        return ExportTransferOrchestration.TryScheduleAsync(durable, record.PartitionKey, record.RowKey, cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<bool> FailAsync(ActiveRecord record, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return store.TryEndAsync(record.PartitionKey, record.RowKey, record.ETag, ExportStatus.Error, time.GetUtcNow(), $"The transfer stopped. {what}", cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<bool> FinishAsync(ActiveRecord record, OrchestrationMetadata instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(instance);
        return instance.ReadOutputAs<string>() is { } status && ExportStatus.IsTerminal(status)
            ? store.TryEndAsync(record.PartitionKey, record.RowKey, record.ETag, status, instance.LastUpdatedAt, null, cancellationToken)
            : FailAsync(record, $"Its orchestration completed unexpectedly, with {instance.SerializedOutput ?? "no output"}.", cancellationToken);
    }
}
