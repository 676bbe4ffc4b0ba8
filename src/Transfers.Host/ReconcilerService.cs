using Transfers.Core.DurableTask;
using Transfers.Core.Reconciliation;

namespace Transfers.Host;

/// <summary>
/// The reconciler in the local host: a pass every <c>Transfers:Reconcile:Interval</c> over the host's durable engine
/// (<see cref="TransferReconciler.RunAsync"/>), unless <c>Transfers:Reconcile:Enabled</c> is false.
/// </summary>
/// <param name="reconciler">The reconciler.</param>
/// <param name="durable">The host's durable client.</param>
internal sealed class ReconcilerService(TransferReconciler reconciler, IDurableClient durable) : BackgroundService
{
    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => reconciler.RunAsync(durable, stoppingToken);
}
