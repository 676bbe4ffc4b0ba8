using Transfers.Core.DurableTask;
using Transfers.Core.Telemetry;

namespace Transfers.Core.Ownership;

/// <summary>
/// Ends a started transfer: <c>done</c> with <c>transferredAt</c> when every resource moved, else <c>failed</c> (the
/// resources not taken are in the transfer's errors). Returns the final status.
/// </summary>
public sealed class CompleteOwnershipTransferActivity : Activity<CompleteOwnershipTransferInput, string>
{
    private readonly OwnershipTransferStore _transfers;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="CompleteOwnershipTransferActivity"/> class.</summary>
    /// <param name="transfers">The transfer store.</param>
    /// <param name="time">The clock.</param>
    public CompleteOwnershipTransferActivity(OwnershipTransferStore transfers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        ArgumentNullException.ThrowIfNull(time);
        _transfers = transfers;
        _time = time;
    }

    /// <inheritdoc/>
    public override async Task<string> RunAsync(ActivityContext context, CompleteOwnershipTransferInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Failure is not null)
        {
            await _transfers.AddErrorsAsync(input.TransferId, [new TransferError("transfer_failed", input.Failure)], cancellationToken);
        }

        var failed = input.Failure is not null || (await _transfers.GetErrorsAsync(input.TransferId, cancellationToken)).Count > 0;
        var completedAt = new DateTimeOffset(DateTime.SpecifyKind(input.CompletedAtUtc, DateTimeKind.Utc));
        var (transfer, changed) = await _transfers.TryUpdateAsync(
            input.TransferId,
            t => t.Status == OwnershipTransferStatus.Started
                ? t with
                {
                    Status = failed ? OwnershipTransferStatus.Failed : OwnershipTransferStatus.Done,
                    TransferredAt = failed ? null : completedAt,
                    LastModified = _time.GetUtcNow(),
                }
                : null,
            cancellationToken);
        if (changed)
        {
            TransfersTelemetry.RecordEnded(TransfersTelemetry.Ownership, failed ? "failed" : "done");
        }

        return transfer?.Status ?? OwnershipTransferStatus.Failed;
    }
}
