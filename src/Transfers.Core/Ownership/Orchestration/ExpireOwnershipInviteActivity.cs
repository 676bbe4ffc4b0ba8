using Transfers.Core.DurableTask;

namespace Transfers.Core.Ownership;

/// <summary>Cancels an invitation that is still unapproved when it expires; returns the status it ends with.</summary>
public sealed class ExpireOwnershipInviteActivity : Activity<string, string>
{
    private readonly OwnershipTransferStore _transfers;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="ExpireOwnershipInviteActivity"/> class.</summary>
    /// <param name="transfers">The transfer store.</param>
    /// <param name="time">The clock.</param>
    public ExpireOwnershipInviteActivity(OwnershipTransferStore transfers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        ArgumentNullException.ThrowIfNull(time);
        _transfers = transfers;
        _time = time;
    }

    /// <inheritdoc/>
    public override async Task<string> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default)
    {
        var (transfer, _) = await _transfers.TryUpdateAsync(
            input,
            t => t.Status == OwnershipTransferStatus.Unapproved
                ? t with { Status = OwnershipTransferStatus.Canceled, LastModified = _time.GetUtcNow() }
                : null,
            cancellationToken);

        // A deleted transfer was closed already.
        return transfer?.Status ?? OwnershipTransferStatus.Canceled;
    }
}
