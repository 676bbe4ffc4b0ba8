using Transfers.Core.DurableTask;

namespace Transfers.Core.Exports;

/// <summary>
/// Stores a model's final metrics (and, in debug mode, its end in the debug log) and, when it succeeded, advances its
/// watermark for the destination.
/// </summary>
/// <param name="transfers">The transfer store.</param>
/// <param name="watermarks">The watermark store.</param>
/// <param name="debugLog">The debug log.</param>
public sealed class RecordExportModelResultActivity(ExportTransferStore transfers, ExportWatermarkStore watermarks, ExportDebugLog debugLog)
    : Activity<RecordExportModelResultInput, bool>
{
    /// <inheritdoc/>
    public override async Task<bool> RunAsync(ActivityContext context, RecordExportModelResultInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var metrics = input.Metrics;
        if (metrics.Status == ExportStatus.Success && metrics.StartTransferWindowAt is { } start && metrics.EndTransferWindowAt is { } end)
        {
            await watermarks.AdvanceAsync(input.Tenant, input.DestinationId, metrics.ModelName, new ExportWindow(start, end), cancellationToken);
        }

        await transfers.SaveModelAsync(input.TransferId, metrics, cancellationToken);
        if (input.IsDebugMode)
        {
            await debugLog.WriteAsync(
                input.TransferId,
                $"2-{metrics.ModelName}",
                $"Model {metrics.ModelName} ended {metrics.Status}: {metrics.RowsTransferred} rows, {metrics.BytesTransferred} bytes.{(metrics.Error is null ? string.Empty : " " + metrics.Error)}",
                cancellationToken);
        }

        return true;
    }
}
