using Transfers.Core.DurableTask;

namespace Transfers.Core.Reconciliation;

/// <summary>
/// One family's part of the reconciler: which of its records should have a live orchestration, and how to repair a
/// record whose orchestration is missing or has ended. <see cref="TransferReconciler"/> decides which repair a record
/// needs; every write of a record here is guarded by the <see cref="ActiveRecord.ETag"/> listed, so a change the API
/// made since is never overwritten (the repair is then skipped, and the next pass looks again), and every schedule goes
/// through the family's <c>TryScheduleAsync</c>, so an orchestration scheduled meanwhile is not scheduled twice.
/// </summary>
public abstract class FamilyReconciler
{
    /// <summary>Gets the family's name, as logs and metrics tag it.</summary>
    public abstract string Family { get; }

    /// <summary>Lists the records in an active state, one page at a time.</summary>
    /// <param name="pageSize">The most records of one page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The pages.</returns>
    public abstract IAsyncEnumerable<IReadOnlyList<ActiveRecord>> ListActiveAsync(int pageSize, CancellationToken cancellationToken = default);

    /// <summary>The instance id of a record's orchestration.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The instance id.</returns>
    public abstract string InstanceId(ActiveRecord record);

    /// <summary>Schedules the orchestration of a record that has none, as the family's start, resume or answer does.</summary>
    /// <param name="durable">The durable client.</param>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when it was scheduled; <c>false</c> when the record changed or an orchestration runs after all.</returns>
    public abstract Task<bool> RescheduleAsync(IDurableClient durable, ActiveRecord record, CancellationToken cancellationToken = default);

    /// <summary>Marks a record failed because its orchestration was terminated or failed.</summary>
    /// <param name="record">The record.</param>
    /// <param name="what">What happened to the orchestration, as a sentence.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when written; <c>false</c> when the record changed since it was listed.</returns>
    public abstract Task<bool> FailAsync(ActiveRecord record, string what, CancellationToken cancellationToken = default);

    /// <summary>Ends a record whose orchestration completed, from the orchestration's output.</summary>
    /// <param name="record">The record.</param>
    /// <param name="instance">The completed instance, with its output.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when written; <c>false</c> when the record changed since it was listed.</returns>
    public abstract Task<bool> FinishAsync(ActiveRecord record, OrchestrationMetadata instance, CancellationToken cancellationToken = default);
}
