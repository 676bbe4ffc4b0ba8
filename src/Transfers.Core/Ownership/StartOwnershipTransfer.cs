using Transfers.Core.DurableTask;
using Transfers.Core.Telemetry;

namespace Transfers.Core.Ownership;

/// <summary>Marks an accepted transfer <c>started</c>; returns the status it has afterwards.</summary>
public sealed class StartOwnershipTransfer : Activity<string, OwnershipTransferStatus>
{
    private readonly TransferStore _transfers;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="StartOwnershipTransfer"/> class.</summary>
    /// <param name="transfers">The transfer store.</param>
    /// <param name="time">The clock.</param>
    public StartOwnershipTransfer(TransferStore transfers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        ArgumentNullException.ThrowIfNull(time);
        _transfers = transfers;
        _time = time;
    }

    /// <inheritdoc/>
    public override async Task<OwnershipTransferStatus> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default)
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
