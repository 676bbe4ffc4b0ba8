using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Reconciliation;

namespace Transfers.Api.Tests;

/// <summary>
/// One reconciler pass driven directly over a test host's services, restricted to the given records: the record tables
/// are shared with every other test (under other task hubs), whose records a pass must not touch.
/// </summary>
internal static class ReconcilePass
{
    /// <summary>Runs a pass with no grace period (unless given) over the records whose keys are in <paramref name="recordIds"/>.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="recordIds">Transfer ids (a record's row or partition key).</param>
    /// <param name="beforeRepair">Runs after the listing and before each repair, as a concurrent API change would.</param>
    /// <param name="grace">The grace period; none when omitted.</param>
    /// <returns>What the pass did.</returns>
    public static Task<ReconcileReport> RunAsync(IServiceProvider services, IReadOnlyCollection<string> recordIds, Func<Task>? beforeRepair = null, TimeSpan? grace = null)
    {
        var families = services.GetServices<FamilyReconciler>().Select(f => new OnlyRecords(f, recordIds, beforeRepair));
        var options = Mock.Of<IOptionsMonitor<ReconcileOptions>>(o => o.CurrentValue == new ReconcileOptions { Grace = grace ?? TimeSpan.Zero });
        var reconciler = new TransferReconciler(families, options, TimeProvider.System, services.GetRequiredService<ILogger<TransferReconciler>>());
        return reconciler.ReconcileOnceAsync(services.GetRequiredService<IDurableClient>());
    }

    /// <summary>A family's part that sees only some records, and lets a test act between the listing and a repair.</summary>
    private sealed class OnlyRecords(FamilyReconciler inner, IReadOnlyCollection<string> ids, Func<Task>? beforeRepair) : FamilyReconciler
    {
        public override string Family => inner.Family;

        public override async IAsyncEnumerable<IReadOnlyList<ActiveRecord>> ListActiveAsync(
            int pageSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var page in inner.ListActiveAsync(pageSize, cancellationToken))
            {
                yield return [.. page.Where(r => ids.Contains(r.RowKey) || ids.Contains(r.PartitionKey))];
            }
        }

        public override string InstanceId(ActiveRecord record) => inner.InstanceId(record);

        public override async Task<bool> RescheduleAsync(IDurableClient durable, ActiveRecord record, CancellationToken cancellationToken = default)
        {
            await (beforeRepair?.Invoke() ?? Task.CompletedTask);
            return await inner.RescheduleAsync(durable, record, cancellationToken);
        }

        public override async Task<bool> FailAsync(ActiveRecord record, string what, CancellationToken cancellationToken = default)
        {
            await (beforeRepair?.Invoke() ?? Task.CompletedTask);
            return await inner.FailAsync(record, what, cancellationToken);
        }

        public override async Task<bool> FinishAsync(ActiveRecord record, OrchestrationMetadata instance, CancellationToken cancellationToken = default)
        {
            await (beforeRepair?.Invoke() ?? Task.CompletedTask);
            return await inner.FinishAsync(record, instance, cancellationToken);
        }
    }
}
