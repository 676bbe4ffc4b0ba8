using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Ownership;

/// <summary>
/// Splits a transfer's resources into chunks of one collection, each an id range of at most
/// <see cref="OwnershipOptions.MoveChunkSize"/> resources, so the orchestration's history holds ranges, not ids.
/// </summary>
public sealed class PlanOwnershipMovesActivity : Activity<string, IReadOnlyList<OwnershipMoveChunk>>
{
    private readonly OwnershipTransferStore _transfers;
    private readonly IOptionsMonitor<OwnershipOptions> _options;

    /// <summary>Initializes a new instance of the <see cref="PlanOwnershipMovesActivity"/> class.</summary>
    /// <param name="transfers">The transfer store.</param>
    /// <param name="options">The family's settings.</param>
    public PlanOwnershipMovesActivity(OwnershipTransferStore transfers, IOptionsMonitor<OwnershipOptions> options)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        ArgumentNullException.ThrowIfNull(options);
        _transfers = transfers;
        _options = options;
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<OwnershipMoveChunk>> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default)
    {
        var size = Math.Max(1, _options.CurrentValue.MoveChunkSize);
        var resources = await _transfers.GetResourcesAsync(input, cancellationToken);
        return
        [
            .. resources
                .Where(r => r.Id != ResourceCollections.Standalone)
                .GroupBy(r => r.Collection)
                .SelectMany(g => g.Chunk(size).Select(c => new OwnershipMoveChunk(g.Key, c[0].Id, c[^1].Id, c.Length))),
        ];
    }
}
