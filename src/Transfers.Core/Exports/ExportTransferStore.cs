using Azure;
using Azure.Data.Tables;

namespace Transfers.Core.Exports;

/// <summary>One page of transfers.</summary>
/// <param name="Transfers">The transfers, newest first.</param>
/// <param name="NextPageToken">The token of the next page, or <c>null</c> on the last one.</param>
public sealed record ExportTransferPage(IReadOnlyList<ExportTransfer> Transfers, string? NextPageToken);

/// <summary>Filters of a transfer listing.</summary>
/// <param name="DestinationId">Only this destination's transfers.</param>
/// <param name="Status">Only transfers in this status.</param>
/// <param name="SubmittedAfter">Only transfers submitted after this time.</param>
public sealed record ExportTransferFilter(string? DestinationId, string? Status, DateTimeOffset? SubmittedAfter);

/// <summary>
/// Transfers in the <c>ExportTransfers</c> table (partition tenant) with, in the same partition, one queue row per
/// unfinished transfer, keyed by destination and submission order: a transfer runs when its queue row is its
/// destination's first. Per-model progress is in <c>ExportTransferModels</c>.
/// </summary>
/// <param name="tables">The family's tables.</param>
public sealed class ExportTransferStore(ExportsTables tables)
{
    private const string TransferPrefix = "tr";
    private const string QueuePrefix = "q_";

    /// <summary>Records a new PENDING transfer and queues it behind its destination's earlier transfers, atomically.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transfer">The transfer.</param>
    /// <param name="requestedStart">The explicit window start, if any.</param>
    /// <param name="requestedEnd">The explicit window end, if any.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when both rows are stored.</returns>
    public async Task SubmitAsync(string tenant, ExportTransfer transfer, DateTimeOffset? requestedStart, DateTimeOffset? requestedEnd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        await tables.EnsureCreatedAsync();
        var row = new TableEntity(tenant, transfer.Id)
        {
            ["DestinationId"] = transfer.DestinationId,
            ["Status"] = transfer.Status,
            ["FullRefresh"] = transfer.FullRefresh,
            ["IsDebugMode"] = transfer.IsDebugMode,
            ["Models"] = ExportsTables.ToJson(transfer.Models),
            ["Tags"] = ExportsTables.ToJson(transfer.Tags),
            ["RequestedStart"] = requestedStart,
            ["RequestedEnd"] = requestedEnd,
            ["SubmittedAt"] = transfer.SubmittedAt,
            ["CancelRequested"] = false,
        };
        var queued = new TableEntity(tenant, QueueKey(transfer.DestinationId, transfer.SubmittedAt, transfer.Id));
        await tables.Transfers.SubmitTransactionAsync(
            [new TableTransactionAction(TableTransactionActionType.Add, row), new TableTransactionAction(TableTransactionActionType.Add, queued)],
            cancellationToken);
    }

    /// <summary>Gets a tenant's transfer with its model metrics.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer, or <c>null</c> when the tenant has none of that id.</returns>
    public async Task<ExportTransfer?> GetAsync(string tenant, string transferId, CancellationToken cancellationToken = default)
    {
        var row = await GetRowAsync(tenant, transferId, cancellationToken);
        return row is null ? null : await WithMetricsAsync(row, cancellationToken);
    }

    /// <summary>Gets what the orchestration needs to know about a transfer besides what clients see.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer and its explicit window, or <c>null</c>.</returns>
    public async Task<(ExportTransfer Transfer, DateTimeOffset? RequestedStart, DateTimeOffset? RequestedEnd)?> GetRequestAsync(
        string tenant, string transferId, CancellationToken cancellationToken = default)
    {
        var row = await GetRowAsync(tenant, transferId, cancellationToken);
        return row is null ? null : (FromEntity(row, []), row.GetDateTimeOffset("RequestedStart"), row.GetDateTimeOffset("RequestedEnd"));
    }

    /// <summary>Lists a tenant's transfers, newest first.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="filter">The filters.</param>
    /// <param name="pageSize">The most transfers in the page.</param>
    /// <param name="pageToken">The token of a previous page.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page.</returns>
    public async Task<ExportTransferPage> ListAsync(string tenant, ExportTransferFilter filter, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await tables.EnsureCreatedAsync();
        var clauses = new List<string>
        {
            TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and RowKey ge {TransferPrefix} and RowKey lt {"ts"}"),
        };
        if (filter.DestinationId is { } destination)
        {
            clauses.Add(TableClient.CreateQueryFilter($"DestinationId eq {destination}"));
        }

        if (filter.Status is { } status)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Status eq {status}"));
        }

        if (filter.SubmittedAfter is { } after)
        {
            clauses.Add(TableClient.CreateQueryFilter($"SubmittedAt gt {after.ToUniversalTime()}"));
        }

        var query = string.Join(" and ", clauses.Select(c => "(" + c + ")"));

        // A filtered page may come back short with a token; keep reading until the page is full or the data ends.
        var rows = new List<TableEntity>();
        var token = pageToken;
        do
        {
            var page = await tables.Transfers.QueryAsync<TableEntity>(query, pageSize - rows.Count, cancellationToken: cancellationToken)
                .AsPages(token, pageSize - rows.Count)
                .FirstAsync(cancellationToken);
            rows.AddRange(page.Values);
            token = page.ContinuationToken;
        }
        while (token is not null && rows.Count < pageSize);

        var transfers = await Task.WhenAll(rows.Select(r => WithMetricsAsync(r, cancellationToken)));
        return new ExportTransferPage(transfers, token);
    }

    /// <summary>Whether the transfer's turn has come: no earlier transfer to its destination is unfinished.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transfer">The transfer.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when it may run.</returns>
    public async Task<bool> IsTurnAsync(string tenant, ExportTransfer transfer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        await tables.EnsureCreatedAsync();
        var prefix = QueuePrefix + transfer.DestinationId + "_";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        var mine = QueueKey(transfer.DestinationId, transfer.SubmittedAt, transfer.Id);
        await foreach (var head in tables.Transfers.QueryAsync<TableEntity>(filter, 10, ["RowKey"], cancellationToken))
        {
            if (head.RowKey == mine)
            {
                return true;
            }

            // An earlier transfer that ended without leaving the queue (its end was recorded, the queue row not) is skipped.
            var earlier = head.RowKey[(head.RowKey.LastIndexOf('_') + 1)..];
            var earlierRow = await GetRowAsync(tenant, earlier, cancellationToken);
            if (earlierRow is not null && !ExportStatus.IsTerminal(earlierRow.GetString("Status")))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Records that the transfer started, with the window it uses, and the initial per-model metrics.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="startedAt">When it started.</param>
    /// <param name="window">The overall window used.</param>
    /// <param name="models">The models with their windows, as PENDING.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when stored.</returns>
    public async Task MarkStartedAsync(string tenant, string transferId, DateTimeOffset startedAt, ExportWindow? window, IReadOnlyList<ExportModelMetrics> models, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        await tables.EnsureCreatedAsync();
        foreach (var model in models)
        {
            await SaveModelAsync(transferId, model, cancellationToken);
        }

        await tables.Transfers.UpdateEntityAsync(
            new TableEntity(tenant, transferId)
            {
                ["Status"] = ExportStatus.Running,
                ["StartedAt"] = startedAt,
                ["WindowStart"] = window?.Start,
                ["WindowEnd"] = window?.End,
            },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken);
    }

    /// <summary>Stores one model's metrics (absolute values, so a repeated write changes nothing).</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="metrics">The metrics.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when stored.</returns>
    public async Task SaveModelAsync(string transferId, ExportModelMetrics metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        await tables.EnsureCreatedAsync();
        await tables.TransferModels.UpsertEntityAsync(
            new TableEntity(transferId, metrics.ModelName)
            {
                ["Status"] = metrics.Status,
                ["WindowStart"] = metrics.StartTransferWindowAt,
                ["WindowEnd"] = metrics.EndTransferWindowAt,
                ["Rows"] = metrics.RowsTransferred,
                ["Bytes"] = metrics.BytesTransferred,
                ["Files"] = ExportsTables.ToJson(metrics.Files),
                ["Error"] = metrics.Error is { Length: > 4000 } e ? e[..4000] : metrics.Error,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>Records the transfer's end and takes it out of its destination's queue.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transfer">The transfer.</param>
    /// <param name="status">The final status.</param>
    /// <param name="endedAt">When it ended.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when stored.</returns>
    public async Task FinishAsync(string tenant, ExportTransfer transfer, string status, DateTimeOffset endedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        await tables.EnsureCreatedAsync();
        await tables.Transfers.UpdateEntityAsync(
            new TableEntity(tenant, transfer.Id) { ["Status"] = status, ["EndedAt"] = endedAt },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken);
        await tables.Transfers.DeleteEntityAsync(tenant, QueueKey(transfer.DestinationId, transfer.SubmittedAt, transfer.Id), ETag.All, cancellationToken);
    }

    /// <summary>Asks a transfer to stop; it stops between chunks.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer before the request, or <c>null</c> when the tenant has none of that id.</returns>
    public async Task<ExportTransfer?> RequestCancelAsync(string tenant, string transferId, CancellationToken cancellationToken = default)
    {
        var transfer = await GetAsync(tenant, transferId, cancellationToken);
        if (transfer is not null && !ExportStatus.IsTerminal(transfer.Status))
        {
            await tables.Transfers.UpdateEntityAsync(new TableEntity(tenant, transferId) { ["CancelRequested"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }

        return transfer;
    }

    private static string QueueKey(string destinationId, DateTimeOffset submittedAt, string transferId) =>
        $"{QueuePrefix}{destinationId}_{submittedAt.UtcTicks:D19}_{transferId}";

    private static ExportTransfer FromEntity(TableEntity row, IReadOnlyList<ExportModelMetrics> metrics)
    {
        var status = row.GetString("Status");
        var started = status != ExportStatus.Pending;
        return new ExportTransfer
        {
            Id = row.RowKey,
            DestinationId = row.GetString("DestinationId"),
            Status = status,
            FullRefresh = row.GetBoolean("FullRefresh") ?? false,
            IsDebugMode = row.GetBoolean("IsDebugMode") ?? false,
            Models = ExportsTables.FromJson<List<string>>(row.GetString("Models")) ?? [],
            Tags = ExportsTables.FromJson<Dictionary<string, string>>(row.GetString("Tags")) ?? [],
            StartTransferWindowAt = started ? row.GetDateTimeOffset("WindowStart") : row.GetDateTimeOffset("RequestedStart"),
            EndTransferWindowAt = started ? row.GetDateTimeOffset("WindowEnd") : row.GetDateTimeOffset("RequestedEnd"),
            SubmittedAt = row.GetDateTimeOffset("SubmittedAt") ?? DateTimeOffset.UnixEpoch,
            StartedAt = row.GetDateTimeOffset("StartedAt"),
            EndedAt = row.GetDateTimeOffset("EndedAt"),
            CancelRequested = row.GetBoolean("CancelRequested") ?? false,
            ModelMetrics = metrics,
        };
    }

    private async Task<TableEntity?> GetRowAsync(string tenant, string transferId, CancellationToken cancellationToken)
    {
        if (!ExportTransfer.IsWellFormedId(transferId))
        {
            return null;
        }

        await tables.EnsureCreatedAsync();
        var row = await tables.Transfers.GetEntityIfExistsAsync<TableEntity>(tenant, transferId, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private async Task<ExportTransfer> WithMetricsAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var metrics = new List<ExportModelMetrics>();
        await foreach (var m in tables.TransferModels.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {row.RowKey}"), cancellationToken: cancellationToken))
        {
            metrics.Add(new ExportModelMetrics
            {
                ModelName = m.RowKey,
                Status = m.GetString("Status"),
                StartTransferWindowAt = m.GetDateTimeOffset("WindowStart"),
                EndTransferWindowAt = m.GetDateTimeOffset("WindowEnd"),
                RowsTransferred = m.GetInt64("Rows") ?? 0,
                BytesTransferred = m.GetInt64("Bytes") ?? 0,
                Files = ExportsTables.FromJson<List<string>>(m.GetString("Files")) ?? [],
                Error = m.GetString("Error"),
            });
        }

        return FromEntity(row, metrics);
    }
}
