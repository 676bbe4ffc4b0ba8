using Transfers.Core.DurableTask;
using Transfers.Core.Telemetry;

namespace Transfers.Core.Ownership;

/// <summary>Marks an accepted transfer <c>started</c>; returns the status it has afterwards.</summary>
public sealed class StartOwnershipTransferActivity : Activity<string, string>
{
    private readonly OwnershipTransferStore _transfers;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="StartOwnershipTransferActivity"/> class.</summary>
    /// <param name="transfers">The transfer store.</param>
    /// <param name="time">The clock.</param>
    public StartOwnershipTransferActivity(OwnershipTransferStore transfers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        ArgumentNullException.ThrowIfNull(time);
        _transfers = transfers;
        _time = time;
    }

    /// <inheritdoc/>
    public override async Task<string> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default)
    {
        var (transfer, changed) = await _transfers.TryUpdateAsync(
            input,
            t => t.Status == OwnershipTransferStatus.Queued
                ? t with { Status = OwnershipTransferStatus.Started, LastModified = _time.GetUtcNow() }
                : null,
            cancellationToken);
        if (changed)
        {
            TransfersTelemetry.RecordStarted(TransfersTelemetry.Ownership);
        }

        return transfer?.Status ?? OwnershipTransferStatus.Canceled;
    }
}
