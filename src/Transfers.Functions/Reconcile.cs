using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Transfers.Core.DurableTask;
using Transfers.Core.Reconciliation;
using Transfers.DurableTask;

namespace Transfers.Functions;

/// <summary>
/// The reconciler in the Functions app: a timer trigger that runs <see cref="TransferReconciler"/>'s pass over Durable
/// Functions' client. Flex Consumption takes only CRON schedules, which cannot follow <c>Transfers__Reconcile__Interval</c>,
/// so the timer fires every 10 seconds and a pass runs when the interval has passed since this instance's last
/// (<see cref="TransferReconciler.ReconcileIfDueAsync"/>); the Functions host runs a timer on one instance at a time.
/// </summary>
/// <param name="reconciler">The reconciler.</param>
/// <param name="registry">The registered orchestrations, for the client adapter.</param>
public sealed class Reconcile(TransferReconciler reconciler, DurableTaskRegistry registry)
{
    /// <summary>The timer's CRON schedule (with seconds): every 10 seconds.</summary>
    public const string Schedule = "*/10 * * * * *";

    /// <summary>Runs a pass when one is due.</summary>
    /// <param name="timer">The timer.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="cancellationToken">Cancels the pass when the host stops.</param>
    /// <returns>A task that completes when the pass (if any) has run.</returns>
    [Function("Reconcile")]
    public async Task RunAsync(
        [TimerTrigger(Schedule)] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        await reconciler.ReconcileIfDueAsync(new DurableClientAdapter(client, registry), cancellationToken);
    }
}
