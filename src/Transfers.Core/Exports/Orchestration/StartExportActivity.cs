using Azure;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Storage;
using Transfers.Core.Tabular;
using Transfers.Core.Telemetry;

namespace Transfers.Core.Exports;

/// <summary>
/// Marks a transfer RUNNING and fixes what it does: the destination, the models (the requested ones, or every model
/// the destination receives), each model's window from its watermark and the partition-key ranges its source table is
/// read in.
/// </summary>
/// <param name="transfers">The transfer store.</param>
/// <param name="destinations">The destination store.</param>
/// <param name="models">The model store.</param>
/// <param name="watermarks">The watermark store.</param>
/// <param name="debugLog">The debug log.</param>
/// <param name="connections">The storage connections, to split source tables into key ranges.</param>
/// <param name="storage">Decides which source tables the tenant may still read.</param>
/// <param name="options">The Exports settings.</param>
public sealed class StartExportActivity(
    ExportTransferStore transfers,
    ExportDestinationStore destinations,
    ExportModelStore models,
    ExportWatermarkStore watermarks,
    ExportDebugLog debugLog,
    StorageConnections connections,
    StorageAccessPolicy storage,
    IOptionsMonitor<ExportsOptions> options) : Activity<StartExportInput, ExportPlan>
{
    /// <inheritdoc/>
    public override async Task<ExportPlan> RunAsync(ActivityContext context, StartExportInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var settings = options.CurrentValue;
        var request = await transfers.GetRequestAsync(input.Tenant, input.TransferId, cancellationToken)
            ?? throw new InvalidOperationException($"Transfer '{input.TransferId}' does not exist.");
        var (transfer, requestedStart, requestedEnd) = request;
        var destination = await destinations.GetAsync(input.Tenant, transfer.DestinationId, cancellationToken);
        if (destination is null)
        {
            return new ExportPlan("The destination no longer exists.", null, [], transfer.IsDebugMode, 1, 1, 1, TimeSpan.FromSeconds(1));
        }

        var all = await models.ListAsync(input.Tenant, cancellationToken);
        var chosen = transfer.Models.Count > 0
            ? all.Where(m => transfer.Models.Contains(m.ModelName, StringComparer.Ordinal))
            : all.Where(m => destination.IsEnabled(m.ModelName));
        var maxParallelChunks = Math.Max(1, settings.MaxParallelChunks);
        var access = await storage.ForTenantAsync(input.Tenant, cancellationToken);
        var plans = await Task.WhenAll(chosen.OrderBy(m => m.ModelName, StringComparer.Ordinal).Select(async model =>
        {
            var watermark = await watermarks.GetAsync(input.Tenant, destination.Id, model.ModelName, cancellationToken);
            var window = ExportWindows.Resolve(requestedStart, requestedEnd, transfer.FullRefresh, watermark, transfer.SubmittedAt);
            var ranges = await SplitAsync(model, access, maxParallelChunks, cancellationToken);
            return new ExportModelPlan(model.ModelName, model.SourceTable, model.SourceConnection, model.PrimaryKey, model.LastUpdatedAtColumn, model.Columns, window, ranges);
        }));

        var overall = plans.Length == 0
            ? ExportWindows.Resolve(requestedStart, requestedEnd, transfer.FullRefresh, null, transfer.SubmittedAt)
            : new ExportWindow(plans.Min(p => p.Window.Start), plans.Max(p => p.Window.End));
        var pending = plans
            .Select(p => new ExportModelMetrics { ModelName = p.ModelName, Status = ExportStatus.Pending, StartTransferWindowAt = p.Window.Start, EndTransferWindowAt = p.Window.End })
            .ToList();
        await transfers.MarkStartedAsync(input.Tenant, input.TransferId, input.StartedAt, overall, pending, cancellationToken);
        if (transfer.IsDebugMode)
        {
            await debugLog.WriteAsync(
                input.TransferId,
                "0-start",
                $"Started: {plans.Length} model(s) to {destination.Vendor} destination {destination.Id}; " +
                string.Join("; ", plans.Select(p => $"{p.ModelName} [{p.Window.Start:O}, {p.Window.End:O})")),
                cancellationToken);
        }

        var target = new ExportTarget(
            destination.Id,
            destination.Vendor,
            destination.Connection,
            destination.BucketName,
            destination.TablePrefix,
            destination.PathPrefix?.Trim('/') ?? string.Empty,
            destination.FileFormat,
            destination.FileCompression,
            destination.Schema);
        TransfersTelemetry.RecordStarted(TransfersTelemetry.Exports);
        return new ExportPlan(
            null,
            target,
            plans,
            transfer.IsDebugMode,
            Math.Max(1, settings.RowsPerFile),
            Math.Max(1, settings.MaxParallelModels),
            Math.Max(1, settings.ActivityMaxAttempts),
            settings.ActivityFirstRetryInterval > TimeSpan.Zero ? settings.ActivityFirstRetryInterval : TimeSpan.FromSeconds(1),
            maxParallelChunks);
    }

    /// <summary>The model's key ranges; the whole table when it cannot be split, so that its chunks report the failure per model.</summary>
    private async Task<IReadOnlyList<TableKeyRange>> SplitAsync(ExportModel model, TenantStorageAccess access, int maxRanges, CancellationToken cancellationToken)
    {
        // A source the tenant may no longer read is not even scanned for its keys: its one chunk refuses it with the reason.
        if (access.CheckTable(model.SourceConnection, model.SourceTable) is not null)
        {
            return [TableKeyRange.All];
        }

        try
        {
            return await TableKeyRanges.SplitAsync(connections.Tables(model.SourceConnection).GetTableClient(model.SourceTable), maxRanges, cancellationToken);
        }
        catch (Exception ex) when (ex is RequestFailedException or InvalidOperationException)
        {
            return [TableKeyRange.All];
        }
    }
}
