using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Reconciliation;

namespace Transfers.Core.Ownership;

/// <summary>
/// The Ownership part of the reconciler. An unapproved invitation, and an accepted transfer that has not ended, has an
/// orchestration: a missing one is scheduled again as an invitation does, and told of the acceptance the record holds
/// as an answer does (moves are conditional, so none is made twice); a terminated or failed one leaves the transfer
/// <c>failed</c> with a <c>transfer_failed</c> error saying so, and frees its integrations; one that completed without
/// closing the record closes it with the status it returned.
/// </summary>
/// <param name="store">The transfer store.</param>
/// <param name="options">The Ownership settings.</param>
/// <param name="time">The clock.</param>
public sealed class OwnershipReconciler(OwnershipTransferStore store, IOptionsMonitor<OwnershipOptions> options, TimeProvider time) : FamilyReconciler
{
    /// <inheritdoc/>
    public override string Family => "ownership";

    /// <inheritdoc/>
    public override IAsyncEnumerable<IReadOnlyList<ActiveRecord>> ListActiveAsync(int pageSize, CancellationToken cancellationToken = default) =>
        store.ListOpenAsync(pageSize, cancellationToken);

    /// <inheritdoc/>
    public override string InstanceId(ActiveRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return OwnershipTransferOrchestration.InstanceIdFor(record.PartitionKey);
    }

    /// <inheritdoc/>
    public override async Task<bool> RescheduleAsync(IDurableClient durable, ActiveRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(record);
        if (await store.GetIfUnchangedAsync(record.PartitionKey, record.ETag, cancellationToken) is not { } transfer
            || !await OwnershipTransferOrchestration.TryScheduleAsync(durable, transfer, options.CurrentValue, cancellationToken))
        {
            return false;
        }

        if (transfer.Status is OwnershipTransferStatus.Queued or OwnershipTransferStatus.Started)
        {
            // The acceptance is in the record; its event went to the orchestration that is gone.
            await durable.RaiseEventAsync(InstanceId(record), OwnershipEvents.Accepted, new InviteAccepted(transfer.ToUserId), cancellationToken);
        }

        return true;
    }

    /// <inheritdoc/>
    public override Task<bool> FailAsync(ActiveRecord record, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return CloseAsync(record, OwnershipTransferStatus.Failed, null, $"The transfer stopped. {what}", cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<bool> FinishAsync(ActiveRecord record, OrchestrationMetadata instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(instance);
        var status = instance.ReadOutputAs<string?>();
        return OwnershipTransferStatus.IsClosed(status)
            ? CloseAsync(record, status!, status == OwnershipTransferStatus.Done ? instance.LastUpdatedAt : null, null, cancellationToken)
            : FailAsync(record, $"Its orchestration completed unexpectedly, with {instance.SerializedOutput ?? "no output"}.", cancellationToken);
    }

    /// <summary>Closes a transfer unchanged since it was listed, records why when it failed, and frees its integrations.</summary>
    private async Task<bool> CloseAsync(
        ActiveRecord record, string status, DateTimeOffset? transferredAt, string? failure, CancellationToken cancellationToken)
    {
        var closed = await store.TryUpdateIfUnchangedAsync(
            record.PartitionKey, record.ETag, t => t with { Status = status, TransferredAt = transferredAt, LastModified = time.GetUtcNow() }, cancellationToken);
        if (closed is null)
        {
            return false;
        }

        if (failure is not null)
        {
            await store.AddErrorsAsync(closed.Id, [new TransferError("transfer_failed", failure)], cancellationToken);
        }

        await store.ReleaseLocksAsync(closed, cancellationToken);
        return true;
    }
}
