using Transfers.Core.DurableTask;

namespace Transfers.Core.Ownership;

/// <summary>Frees the integrations of a closed transfer for new invitations; idempotent.</summary>
public sealed class ReleaseOwnershipLocksActivity : Activity<string, bool>
{
    private readonly OwnershipTransferStore _transfers;

    /// <summary>Initializes a new instance of the <see cref="ReleaseOwnershipLocksActivity"/> class.</summary>
    /// <param name="transfers">The transfer store.</param>
    public ReleaseOwnershipLocksActivity(OwnershipTransferStore transfers)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        _transfers = transfers;
    }

    /// <inheritdoc/>
    public override async Task<bool> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default)
    {
        if (await _transfers.GetAsync(input, cancellationToken) is not { } transfer)
        {
            return false;
        }

        await _transfers.ReleaseLocksAsync(transfer, cancellationToken);
        return true;
    }
}
