using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Telemetry;

namespace Transfers.Core.Ownership;

/// <summary>
/// Moves one chunk of a transfer's resources from the owner to the invitee and records the resources it could not
/// take. Idempotent: a repeated run moves nothing twice and records the same errors.
/// </summary>
public sealed class MoveOwnershipChunkActivity : Activity<MoveOwnershipChunkInput, MoveOwnershipChunkResult>
{
    private readonly OwnershipTransferStore _transfers;
    private readonly ResourceStore _resources;
    private readonly IOptionsMonitor<OwnershipOptions> _options;
    private readonly ILogger<MoveOwnershipChunkActivity> _logger;

    /// <summary>Initializes a new instance of the <see cref="MoveOwnershipChunkActivity"/> class.</summary>
    /// <param name="transfers">The transfer store.</param>
    /// <param name="resources">The resource store.</param>
    /// <param name="options">The family's settings.</param>
    /// <param name="logger">The logger.</param>
    public MoveOwnershipChunkActivity(OwnershipTransferStore transfers, ResourceStore resources, IOptionsMonitor<OwnershipOptions> options, ILogger<MoveOwnershipChunkActivity> logger)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _transfers = transfers;
        _resources = resources;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc/>
    public override async Task<MoveOwnershipChunkResult> RunAsync(ActivityContext context, MoveOwnershipChunkInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transfer = await _transfers.GetAsync(input.TransferId, cancellationToken)
            ?? throw new InvalidOperationException($"Ownership transfer {input.TransferId} does not exist.");
        var ids = (await _transfers.GetResourcesAsync(transfer.Id, input.Chunk, cancellationToken)).Select(r => r.Id).ToList();
        var outcome = await _resources.MoveAsync(
            input.Chunk.Collection, ids, transfer.OwnerId, transfer.ToUserId, transfer.Id, _options.CurrentValue.MoveConcurrency, cancellationToken);
        await _transfers.AddErrorsAsync(transfer.Id, outcome.Errors, cancellationToken);
        Log.ChunkMoved(_logger, transfer.Id, input.Chunk.Collection, outcome.Moved, outcome.Errors.Count);
        TransfersTelemetry.RecordMoved(TransfersTelemetry.Ownership, transfer.OwnerId, resources: outcome.Moved);
        return new MoveOwnershipChunkResult(outcome.Moved, outcome.Errors.Count);
    }
}
