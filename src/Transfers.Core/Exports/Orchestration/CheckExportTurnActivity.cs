using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Exports;

/// <summary>
/// Claims the transfer for its orchestration and tells it whether its destination is free for it, whether it was
/// cancelled while waiting, or whether it had already ended before the orchestration got to it.
/// </summary>
/// <param name="transfers">The transfer store.</param>
/// <param name="options">The Exports settings.</param>
/// <param name="time">The clock that stamps the claim and decides when an earlier transfer counts as orphaned.</param>
public sealed class CheckExportTurnActivity(ExportTransferStore transfers, IOptionsMonitor<ExportsOptions> options, TimeProvider time)
    : Activity<ExportTransferInput, ExportTurn>
{
    /// <inheritdoc/>
    public override async Task<ExportTurn> RunAsync(ActivityContext context, ExportTransferInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var transfer = await transfers.ClaimAsync(input.Tenant, input.TransferId, now, cancellationToken);
        if (transfer is null)
        {
            return new ExportTurn(Exists: false, IsTurn: false, CancelRequested: false, settings.QueuePollInterval);
        }

        if (ExportStatus.IsTerminal(transfer.Status))
        {
            return new ExportTurn(Exists: true, IsTurn: false, CancelRequested: false, settings.QueuePollInterval, transfer.Status);
        }

        var isTurn = await transfers.IsTurnAsync(input.Tenant, transfer, now, settings.OrphanedTransferTimeout, cancellationToken);
        return new ExportTurn(Exists: true, isTurn, transfer.CancelRequested, settings.QueuePollInterval);
    }
}
