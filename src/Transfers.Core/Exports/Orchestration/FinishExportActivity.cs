using Transfers.Core.DurableTask;
using Transfers.Core.Telemetry;

namespace Transfers.Core.Exports;

/// <summary>Records a transfer's final status and frees its destination for the next transfer.</summary>
/// <param name="transfers">The transfer store.</param>
/// <param name="debugLog">The debug log.</param>
public sealed class FinishExportActivity(ExportTransferStore transfers, ExportDebugLog debugLog) : Activity<FinishExportInput, bool>
{
    /// <inheritdoc/>
    public override async Task<bool> RunAsync(ActivityContext context, FinishExportInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transfer = await transfers.GetAsync(input.Tenant, input.TransferId, cancellationToken);
        if (transfer is null)
        {
            return false;
        }

        await transfers.FinishAsync(input.Tenant, transfer, input.Status, input.EndedAt, input.Error, cancellationToken);
        TransfersTelemetry.RecordEnded(TransfersTelemetry.Exports, input.Status);
        if (transfer.IsDebugMode)
        {
            await debugLog.WriteAsync(input.TransferId, "z-end", $"Ended {input.Status}: {transfer.RowsTransferred} rows, {transfer.VolumeTransferredInMb} MB.{(input.Error is null ? string.Empty : " " + input.Error)}", cancellationToken);
        }

        return true;
    }
}
