using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Exports;

/// <summary>Tells a transfer whether its destination is free for it, and whether it was cancelled while waiting.</summary>
/// <param name="transfers">The transfer store.</param>
/// <param name="options">The Exports settings.</param>
public sealed class CheckTransferTurnActivity(ExportTransferStore transfers, IOptionsMonitor<ExportsOptions> options)
    : Activity<ExportTransferInput, ExportTurn>
{
    /// <inheritdoc/>
    public override async Task<ExportTurn> RunAsync(ActivityContext context, ExportTransferInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var poll = options.CurrentValue.QueuePollInterval;
        var transfer = await transfers.GetAsync(input.Tenant, input.TransferId, cancellationToken);
        if (transfer is null)
        {
            return new ExportTurn(Exists: false, IsTurn: false, CancelRequested: false, poll);
        }

        var isTurn = await transfers.IsTurnAsync(input.Tenant, transfer, cancellationToken);
        return new ExportTurn(Exists: true, isTurn, transfer.CancelRequested, poll);
    }
}
