using Transfers.Core.DurableTask;
using Transfers.Core.Storage;
using Transfers.Core.Tabular;

namespace Transfers.Core.Exports;

/// <summary>
/// Runs one transfer: waits until the destination's earlier transfers have ended, resolves the models and their
/// windows, exports every model in chunks (models in parallel, bounded; a model's partition-key ranges in parallel,
/// bounded; each range a chain of chunks that follow its continuation tokens), writes each blob model's manifest last,
/// advances the watermark of each model that succeeded and records the outcome. A cancel request stops it between
/// chunks. Only counts and file descriptions pass through history, never rows.
/// </summary>
public sealed class ExportTransferOrchestration : Orchestrator<ExportTransferInput, string>
{
    /// <summary>The instance id of a transfer's orchestration.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <returns>The instance id.</returns>
    public static string InstanceId(string transferId) => "exports-" + transferId;

    /// <summary>
    /// Schedules a transfer's orchestration unless one runs already: what a submit and the reconciler do. Scheduled
    /// again after it finished, it finds the transfer ended and stops.
    /// </summary>
    /// <param name="durable">The durable client.</param>
    /// <param name="tenant">The owner.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when this call scheduled it.</returns>
    public static Task<bool> TryScheduleAsync(IDurableClient durable, string tenant, string transferId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(durable);
        return durable.TryScheduleAsync(nameof(ExportTransferOrchestration), new ExportTransferInput(tenant, transferId), InstanceId(transferId), cancellationToken);
    }

    /// <inheritdoc/>
    public override async Task<string> RunAsync(IOrchestrationContext context, ExportTransferInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        while (true)
        {
            var turn = await context.CallActivityAsync<ExportTurn>(nameof(CheckExportTurnActivity), input);
            if (!turn.Exists)
            {
                return ExportStatus.Error;
            }

            // Ended before this orchestration claimed it: its end and its queue row are already recorded.
            if (turn.EndedStatus is { } ended)
            {
                return ended;
            }

            if (turn.CancelRequested)
            {
                return await FinishAsync(context, input, ExportStatus.Cancelled);
            }

            if (turn.IsTurn)
            {
                break;
            }

            await context.CreateTimer(context.CurrentUtcDateTime + turn.PollInterval, CancellationToken.None);
        }

        string status;
        string? error = null;
        try
        {
            var plan = await context.CallActivityAsync<ExportPlan>(
                nameof(StartExportActivity), new StartExportInput(input.Tenant, input.TransferId, context.CurrentUtcDateTime));
            error = plan.Error;
            status = plan.Error is null ? await RunModelsAsync(context, input, plan) : ExportStatus.Error;
        }
        catch (TaskFailedException ex)
        {
            status = ExportStatus.Error;
            error = StorageErrors.Describe("Starting the transfer", ex.FailureDetails);
        }

        return await FinishAsync(context, input, status, error);
    }

    /// <summary>The transfer's status from its models' statuses.</summary>
    /// <param name="modelStatuses">Each model's status.</param>
    /// <returns>SUCCESS, PARTIAL_FAILURE, ERROR or CANCELLED.</returns>
    internal static string Combine(IReadOnlyCollection<string> modelStatuses)
    {
        if (modelStatuses.Contains(ExportStatus.Cancelled))
        {
            return ExportStatus.Cancelled;
        }

        var failed = modelStatuses.Count(s => s == ExportStatus.Error);
        return failed == 0 ? ExportStatus.Success : failed == modelStatuses.Count ? ExportStatus.Error : ExportStatus.PartialFailure;
    }

    private static async Task<string> RunModelsAsync(IOrchestrationContext context, ExportTransferInput input, ExportPlan plan)
    {
        var retry = new RetryPolicy(plan.MaxAttempts, plan.FirstRetryInterval, backoffCoefficient: 2.0);
        var running = new List<Task<string>>();
        var statuses = new List<string>();
        foreach (var model in plan.Models)
        {
            if (running.Count >= plan.MaxParallelModels)
            {
                var done = await Task.WhenAny(running);
                running.Remove(done);
                statuses.Add(await done);
            }

            running.Add(RunModelAsync(context, input, plan, model, retry));
        }

        statuses.AddRange(await Task.WhenAll(running));
        return Combine(statuses);
    }

    private static async Task<string> RunModelAsync(IOrchestrationContext context, ExportTransferInput input, ExportPlan plan, ExportModelPlan model, RetryPolicy retry)
    {
        var destination = plan.Destination!;
        IReadOnlyList<TableKeyRange> ranges = model.KeyRanges is { Count: > 0 } split ? split : [TableKeyRange.All];
        var next = new Queue<(TableKeyRange Range, string? Token)>(ranges.Select(r => (r, (string?)null)));
        var running = new List<Task<ExportChunkResult>>();
        var files = new SortedList<int, ExportFile>();
        var chunkOf = new Dictionary<Task<ExportChunkResult>, (int Index, TableKeyRange Range)>();
        long rows = 0, bytes = 0;
        string? error = null;
        var status = ExportStatus.Success;
        var chunk = 0;
        while (true)
        {
            // Chunk numbers follow scheduling order, which replays identically, so every chunk keeps its file name.
            while (status == ExportStatus.Success && next.Count > 0 && running.Count < Math.Max(1, plan.MaxParallelChunks))
            {
                var (range, token) = next.Dequeue();
                var call = context.CallActivityAsync<ExportChunkResult>(
                    nameof(ExportChunkActivity),
                    new ExportChunkInput(input.Tenant, input.TransferId, plan.IsDebugMode, destination, model, chunk, range, token, plan.RowsPerChunk, rows, bytes),
                    retry);
                chunkOf[call] = (chunk++, range);
                running.Add(call);
            }

            if (running.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny(running);
            running.Remove(done);
            var (index, doneRange) = chunkOf[done];
            ExportChunkResult result;
            try
            {
                result = await done;
            }
            catch (TaskFailedException ex)
            {
                // The other chunks in flight still finish; their results no longer matter.
                if (status != ExportStatus.Error)
                {
                    status = ExportStatus.Error;
                    error = StorageErrors.Describe($"Exporting chunk {index}", ex.FailureDetails);
                }

                continue;
            }

            rows += result.Rows;
            bytes += result.Bytes;
            if (result.File is not null)
            {
                files.Add(index, result.File);
            }

            if (result.NextToken is not null)
            {
                next.Enqueue((doneRange, result.NextToken));
            }

            if (result.CancelRequested && status == ExportStatus.Success && next.Count > 0)
            {
                status = ExportStatus.Cancelled;
            }
        }

        try
        {
            if (status == ExportStatus.Success && destination.IsBlob)
            {
                await context.CallActivityAsync(
                    nameof(WriteExportManifestActivity), new WriteExportManifestInput(input.TransferId, destination, model, [.. files.Values]), retry);
            }
        }
        catch (TaskFailedException ex)
        {
            status = ExportStatus.Error;
            error = StorageErrors.Describe("Writing the manifest", ex.FailureDetails);
        }

        var metrics = new ExportModelMetrics
        {
            ModelName = model.ModelName,
            Status = status,
            StartTransferWindowAt = model.Window.Start,
            EndTransferWindowAt = model.Window.End,
            RowsTransferred = rows,
            BytesTransferred = bytes,
            Error = error,
        };
        await context.CallActivityAsync(nameof(RecordExportModelResultActivity), new RecordExportModelResultInput(input.Tenant, input.TransferId, destination.Id, metrics, plan.IsDebugMode), retry);
        return status;
    }

    private static async Task<string> FinishAsync(IOrchestrationContext context, ExportTransferInput input, string status, string? error = null)
    {
        await context.CallActivityAsync(
            nameof(FinishExportActivity),
            new FinishExportInput(input.Tenant, input.TransferId, status, context.CurrentUtcDateTime, error),
            new RetryPolicy(10, TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromMinutes(1)));
        return status;
    }
}
