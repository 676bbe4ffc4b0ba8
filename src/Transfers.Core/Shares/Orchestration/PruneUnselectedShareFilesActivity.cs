using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Shares;

/// <summary>
/// After an edit, finds the recorded files that the new selection no longer covers and writes them to delete batches
/// of page 0. It streams the state, so memory holds one batch.
/// </summary>
public sealed class PruneUnselectedShareFilesActivity : Activity<PruneUnselectedShareFilesInput, PruneUnselectedShareFilesResult>
{
    private readonly ShareStore _store;
    private readonly FileSyncStore _state;
    private readonly SharesOptions _options;

    /// <summary>Initializes a new instance of the <see cref="PruneUnselectedShareFilesActivity"/> class.</summary>
    /// <param name="store">The share records.</param>
    /// <param name="state">The per-file state.</param>
    /// <param name="options">The Shares settings.</param>
    public PruneUnselectedShareFilesActivity(ShareStore store, FileSyncStore state, IOptions<SharesOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _state = state;
        _options = options.Value;
    }

    /// <inheritdoc/>
    public override async Task<PruneUnselectedShareFilesResult> RunAsync(ActivityContext context, PruneUnselectedShareFilesInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reference = input.Transfer;
        var transfer = await _store.GetTransferAsync(reference.ShareId, reference.TransferId, cancellationToken)
            ?? throw new InvalidOperationException("The transfer no longer exists.");
        var selections = SharePaths.Normalize(transfer.Contents.PathNames ?? []);
        var batchSize = _options.BatchSize;
        var batch = new List<FileWorkItem>(batchSize);
        var batches = 0;
        long files = 0;
        await foreach (var recorded in _state.ReadAllAsync(reference.StateKey, cancellationToken))
        {
            if (SharePaths.IsSelected(selections, recorded.Path))
            {
                continue;
            }

            batch.Add(new FileWorkItem(recorded.Path));
            files++;
            if (batch.Count >= batchSize)
            {
                await _state.WriteBatchAsync(reference.StateKey, input.Cycle, FileBatchIds.Delete(0, batches++), [.. batch], cancellationToken);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await _state.WriteBatchAsync(reference.StateKey, input.Cycle, FileBatchIds.Delete(0, batches++), [.. batch], cancellationToken);
        }

        return new PruneUnselectedShareFilesResult(batches, files);
    }
}
