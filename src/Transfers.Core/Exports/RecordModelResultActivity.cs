using Transfers.Core.DurableTask;

namespace Transfers.Core.Exports;

/// <summary>Stores a model's final metrics and, when it succeeded, advances its watermark for the destination.</summary>
/// <param name="transfers">The transfer store.</param>
/// <param name="watermarks">The watermark store.</param>
public sealed class RecordModelResultActivity(ExportTransferStore transfers, ExportWatermarkStore watermarks)
    : Activity<RecordModelResultInput, bool>
{
    /// <inheritdoc/>
    public override async Task<bool> RunAsync(ActivityContext context, RecordModelResultInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var metrics = input.Metrics;
        if (metrics.Status == ExportStatus.Success && metrics.StartTransferWindowAt is { } start && metrics.EndTransferWindowAt is { } end)
        {
            await watermarks.AdvanceAsync(input.Tenant, input.DestinationId, metrics.ModelName, new ExportWindow(start, end), cancellationToken);
        }

        await transfers.SaveModelAsync(input.TransferId, metrics, cancellationToken);
        return true;
    }
}
