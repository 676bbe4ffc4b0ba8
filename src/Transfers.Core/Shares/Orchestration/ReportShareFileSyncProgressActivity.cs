using Transfers.Core.DurableTask;

namespace Transfers.Core.Shares;

/// <summary>Writes the progress counts of the running check to the transfer record.</summary>
public sealed class ReportShareFileSyncProgressActivity : Activity<ReportShareFileSyncProgressInput, bool>
{
    private readonly ShareStore _store;

    /// <summary>Initializes a new instance of the <see cref="ReportShareFileSyncProgressActivity"/> class.</summary>
    /// <param name="store">The share records.</param>
    public ReportShareFileSyncProgressActivity(ShareStore store) => _store = store;

    /// <inheritdoc/>
    public override async Task<bool> RunAsync(ActivityContext context, ReportShareFileSyncProgressInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var stored = await _store.UpdateTransferAsync(
            input.Transfer.ShareId, input.Transfer.TransferId, t => t with { Progress = input.Progress }, cancellationToken);
        return stored is not null;
    }
}
