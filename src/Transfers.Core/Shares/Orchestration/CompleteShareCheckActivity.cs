using Transfers.Core.DurableTask;
using Transfers.Core.Telemetry;

namespace Transfers.Core.Shares;

/// <summary>
/// Ends a check: records its summary, errors and the next check's time, sets the status to synced (or failed) unless
/// the client paused, canceled or replaced the transfer meanwhile, and drops the check's work batches.
/// </summary>
public sealed class CompleteShareCheckActivity : Activity<CompleteShareCheckInput, bool>
{
    private readonly ShareStore _store;
    private readonly FileSyncStore _state;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="CompleteShareCheckActivity"/> class.</summary>
    /// <param name="store">The share records.</param>
    /// <param name="state">The per-file state and work batches.</param>
    /// <param name="time">The clock.</param>
    public CompleteShareCheckActivity(ShareStore store, FileSyncStore state, TimeProvider time)
    {
        _store = store;
        _state = state;
        _time = time;
    }

    /// <inheritdoc/>
    public override async Task<bool> RunAsync(ActivityContext context, CompleteShareCheckInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reference = input.Transfer;
        var errors = input.Failure is null
            ? input.Errors
            : [.. input.Errors, new ShareTransferError(null, null, input.Failure, _time.GetUtcNow().UtcDateTime)];
        ShareSyncSummary? previous = null;
        var stored = await _store.UpdateTransferAsync(
            reference.ShareId,
            reference.TransferId,
            t =>
            {
                var running = ShareTransferStatus.IsRunnable(t.Status);
                previous = t.LastSync;
                return t with
                {
                    Status = !running ? t.Status : input.Failure is null ? ShareTransferStatus.Synced : ShareTransferStatus.Failed,
                    Progress = input.Progress,
                    LastSync = input.Summary ?? t.LastSync,
                    Errors = input.Summary is null && input.Failure is null ? t.Errors : errors,
                    NextSyncAt = running ? new DateTimeOffset(input.NextSyncAt, TimeSpan.Zero) : t.NextSyncAt,
                };
            },
            cancellationToken);
        await _state.DeleteBatchesAsync(reference.StateKey, input.Cycle, cancellationToken);
        if (stored is not null && previous is not null && input.Summary is { } summary)
        {
            // A change made just after the previous check listed the source reached the destination only now.
            TransfersTelemetry.RecordSyncLag(TransfersTelemetry.Shares, summary.EndedAt - previous.StartedAt);
        }

        return stored is not null;
    }
}
