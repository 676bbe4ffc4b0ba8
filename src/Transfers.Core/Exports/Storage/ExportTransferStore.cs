using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Transfers.Core.Application;
using Transfers.Core.Reconciliation;

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
/// destination's first. Per-model progress is in <c>ExportTransferModels</c> (partition transfer): one row per model,
/// keyed by its name, and one per file written, keyed <c>{model}|{chunk}</c> (<c>{model}|manifest</c> for the
/// manifest), so that a model may write any number of files and each chunk records only its own.
/// </summary>
/// <param name="tables">The family's tables.</param>
public sealed class ExportTransferStore(ExportsTables tables)
{
    private const string TransferPrefix = "tr";
    private const string QueuePrefix = "q_";

    // Model names are letters, digits and underscores, so a file row's key never equals a model's.
    private const char FileKeySeparator = '|';
    private const string ManifestFileKey = "manifest";

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
        var table = await tables.GetAsync(ExportsTables.Transfers);
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
        await table.SubmitTransactionAsync(
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
        var table = await tables.GetAsync(ExportsTables.Transfers);
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
            var page = await table.QueryAsync<TableEntity>(query, pageSize - rows.Count, cancellationToken: cancellationToken)
                .AsPages(token, pageSize - rows.Count)
                .FirstAsync(cancellationToken);
            rows.AddRange(page.Values);
            token = page.ContinuationToken;
        }
        while (token is not null && rows.Count < pageSize);

        var transfers = await Task.WhenAll(rows.Select(r => WithMetricsAsync(r, cancellationToken)));
        return new ExportTransferPage(transfers, token);
    }

    /// <summary>
    /// Claims a transfer for its orchestration, which then owns its status: until claimed, a client's cancel (or a
    /// later transfer that finds it never started) may end it directly. The claim and those direct ends are conditional
    /// writes, so exactly one of them wins.
    /// </summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="claimedAt">When the orchestration first ran.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>
    /// The transfer without its per-model metrics, which the waiting orchestration does not use (already ended when it
    /// was ended before the claim), or <c>null</c> when it does not exist.
    /// </returns>
    public async Task<ExportTransfer?> ClaimAsync(string tenant, string transferId, DateTimeOffset claimedAt, CancellationToken cancellationToken = default)
    {
        // The claim changes nothing the transfer shows: the row read before it describes it.
        var (row, _) = await TryMergeUnclaimedAsync(tenant, transferId, null, new TableEntity(tenant, transferId) { ["ClaimedAt"] = claimedAt }, cancellationToken);
        return row is null ? null : FromEntity(row, []);
    }

    /// <summary>
    /// Whether the transfer's turn has come: no earlier transfer to its destination is unfinished. An earlier
    /// transfer that no orchestration claimed within <paramref name="orphanTimeout"/> of its submission never got one
    /// (its submit was cut short): it is ended as ERROR so that it cannot block the destination for ever.
    /// </summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transfer">The transfer.</param>
    /// <param name="now">The current time.</param>
    /// <param name="orphanTimeout">How long a transfer may stay unclaimed before it counts as never started.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when it may run.</returns>
    public async Task<bool> IsTurnAsync(string tenant, ExportTransfer transfer, DateTimeOffset now, TimeSpan orphanTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        var table = await tables.GetAsync(ExportsTables.Transfers);
        var prefix = QueuePrefix + transfer.DestinationId + "_";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        var mine = QueueKey(transfer.DestinationId, transfer.SubmittedAt, transfer.Id);
        await foreach (var head in table.QueryAsync<TableEntity>(filter, 10, ["RowKey"], cancellationToken))
        {
            if (head.RowKey == mine)
            {
                return true;
            }

            // An earlier transfer that ended without leaving the queue (its end was recorded, the queue row not) is skipped.
            var earlier = head.RowKey[(head.RowKey.LastIndexOf('_') + 1)..];
            var (row, ended) = await TryEndUnclaimedAsync(
                tenant,
                earlier,
                r => (r.GetDateTimeOffset("SubmittedAt") ?? DateTimeOffset.UnixEpoch) + orphanTimeout <= now,
                ExportStatus.Error,
                now,
                "The transfer never started: its orchestration was not scheduled. It was ended so that later transfers to its destination can run.",
                cancellationToken);
            if (row is not null && !ended && !ExportStatus.IsTerminal(row.GetString("Status")))
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
        var table = await tables.GetAsync(ExportsTables.Transfers);
        foreach (var model in models)
        {
            await SaveModelAsync(transferId, model, cancellationToken);
        }

        await table.UpdateEntityAsync(
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

    /// <summary>Lists a file a model wrote with the transfer (a repeated write changes nothing).</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="modelName">The model.</param>
    /// <param name="chunkIndex">The chunk that wrote the file; <c>null</c> for the model's manifest, listed after its chunks' files.</param>
    /// <param name="path">The file's path in the destination.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when stored.</returns>
    public async Task SaveFileAsync(string transferId, string modelName, int? chunkIndex, string path, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.TransferModels);
        var key = chunkIndex is { } index ? index.ToString("D6", CultureInfo.InvariantCulture) : ManifestFileKey;
        await table.UpsertEntityAsync(
            new TableEntity(transferId, $"{modelName}{FileKeySeparator}{key}") { ["Path"] = path },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>Stores one model's metrics (absolute values, so a repeated write changes nothing); its files are listed by <see cref="SaveFileAsync"/>.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="metrics">The metrics; <see cref="ExportModelMetrics.Files"/> is not stored.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when stored.</returns>
    public async Task SaveModelAsync(string transferId, ExportModelMetrics metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var table = await tables.GetAsync(ExportsTables.TransferModels);
        await table.UpsertEntityAsync(
            new TableEntity(transferId, metrics.ModelName)
            {
                ["Status"] = metrics.Status,
                ["WindowStart"] = metrics.StartTransferWindowAt,
                ["WindowEnd"] = metrics.EndTransferWindowAt,
                ["Rows"] = metrics.RowsTransferred,
                ["Bytes"] = metrics.BytesTransferred,
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
    /// <param name="error">Why the transfer as a whole failed, for users; <c>null</c> when it did not, or when only models failed.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when stored.</returns>
    public async Task FinishAsync(string tenant, ExportTransfer transfer, string status, DateTimeOffset endedAt, string? error = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        var table = await tables.GetAsync(ExportsTables.Transfers);
        await table.UpdateEntityAsync(EndEntity(tenant, transfer.Id, status, endedAt, error), ETag.All, TableUpdateMode.Merge, cancellationToken);
        await table.DeleteEntityAsync(tenant, QueueKey(transfer.DestinationId, transfer.SubmittedAt, transfer.Id), ETag.All, cancellationToken);
    }

    /// <summary>
    /// Ends a transfer that no orchestration has claimed (see <see cref="ClaimAsync"/>); one that was claimed is left
    /// to its orchestration.
    /// </summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="status">The final status.</param>
    /// <param name="endedAt">When it ended.</param>
    /// <param name="error">Why, for users.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when this call ended it.</returns>
    public async Task<bool> EndUnclaimedAsync(string tenant, string transferId, string status, DateTimeOffset endedAt, string? error, CancellationToken cancellationToken = default) =>
        (await TryEndUnclaimedAsync(tenant, transferId, null, status, endedAt, error, cancellationToken)).Ended;

    /// <summary>
    /// Lists every tenant's PENDING and RUNNING transfers, one page at a time and without their content: one query over
    /// the table, filtered on its status column (queue rows have none).
    /// </summary>
    /// <param name="pageSize">The most transfers of one page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The pages.</returns>
    public async IAsyncEnumerable<IReadOnlyList<ActiveRecord>> ListActiveAsync(int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.Transfers);
        await foreach (var page in ActiveRecord.ListAsync(table, null, [ExportStatus.Pending, ExportStatus.Running], pageSize, cancellationToken))
        {
            yield return page;
        }
    }

    /// <summary>
    /// Ends a transfer, claimed or not, if it has not changed since it was read with <paramref name="etag"/>, and takes
    /// it out of its destination's queue: for a transfer whose orchestration ended without recording the end.
    /// </summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="etag">The version read.</param>
    /// <param name="status">The final status.</param>
    /// <param name="endedAt">When it ended.</param>
    /// <param name="error">Why, for users.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when this call ended it; <c>false</c> when it changed or is gone.</returns>
    public async Task<bool> TryEndAsync(string tenant, string transferId, string etag, string status, DateTimeOffset endedAt, string? error, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.Transfers);
        var row = await GetRowAsync(tenant, transferId, cancellationToken);
        if (row is null || row.ETag.ToString() != etag)
        {
            return false;
        }

        try
        {
            await table.UpdateEntityAsync(EndEntity(tenant, transferId, status, endedAt, error), row.ETag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (TableConflicts.IsLostOrGone(ex))
        {
            return false;
        }

        await DequeueAsync(row, cancellationToken);
        return true;
    }

    /// <summary>
    /// Cancels a transfer: one that no orchestration has claimed yet ends CANCELLED at once; a claimed one is asked
    /// to stop, which it does between chunks.
    /// </summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What happened, with the transfer as it is now (<c>null</c> when the tenant has none of that id).</returns>
    public async Task<ExportCancelResult> CancelAsync(string tenant, string transferId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.Transfers);
        var (row, ended) = await TryEndUnclaimedAsync(tenant, transferId, null, ExportStatus.Cancelled, now, null, cancellationToken);
        if (row is null)
        {
            return new ExportCancelResult(ExportCancelOutcome.NotFound, null);
        }

        if (ended)
        {
            // Unclaimed, so never started: it has no model metrics, and the end just written is all that changed.
            return new ExportCancelResult(ExportCancelOutcome.Cancelled, FromEntity(row, []) with { Status = ExportStatus.Cancelled, EndedAt = now });
        }

        if (ExportStatus.IsTerminal(row.GetString("Status")))
        {
            return new ExportCancelResult(ExportCancelOutcome.AlreadyEnded, await WithMetricsAsync(row, cancellationToken));
        }

        await table.UpdateEntityAsync(new TableEntity(tenant, transferId) { ["CancelRequested"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return new ExportCancelResult(ExportCancelOutcome.Requested, await WithMetricsAsync(row, cancellationToken) with { CancelRequested = true });
    }

    /// <summary>Whether an orchestration owns the transfer: it claimed it, or (for transfers older than claims) started it.</summary>
    private static bool IsClaimed(TableEntity row) => row.GetDateTimeOffset("ClaimedAt") is not null || row.GetString("Status") != ExportStatus.Pending;

    private static TableEntity EndEntity(string tenant, string transferId, string status, DateTimeOffset endedAt, string? error)
    {
        var entity = new TableEntity(tenant, transferId) { ["Status"] = status, ["EndedAt"] = endedAt };
        if (error is not null)
        {
            entity["Error"] = error;
        }

        return entity;
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
            Error = row.GetString("Error"),
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

        var table = await tables.GetAsync(ExportsTables.Transfers);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenant, transferId, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>
    /// Ends an unclaimed, unfinished transfer that <paramref name="mayEnd"/> accepts, with a write conditional on the
    /// row read, so that a claim in between wins; then takes it out of its destination's queue.
    /// </summary>
    /// <returns>The row as last read (<c>null</c> when missing) and whether this call ended the transfer.</returns>
    private async Task<(TableEntity? Row, bool Ended)> TryEndUnclaimedAsync(
        string tenant, string transferId, Func<TableEntity, bool>? mayEnd, string status, DateTimeOffset endedAt, string? error, CancellationToken cancellationToken)
    {
        var (row, ended) = await TryMergeUnclaimedAsync(tenant, transferId, mayEnd, EndEntity(tenant, transferId, status, endedAt, error), cancellationToken);
        if (ended)
        {
            await DequeueAsync(row!, cancellationToken);
        }

        return (row, ended);
    }

    /// <summary>Takes an ended transfer (its row) out of its destination's queue.</summary>
    private async Task DequeueAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(ExportsTables.Transfers);
        var queued = QueueKey(row.GetString("DestinationId"), row.GetDateTimeOffset("SubmittedAt") ?? DateTimeOffset.UnixEpoch, row.RowKey);
        await table.DeleteEntityAsync(row.PartitionKey, queued, ETag.All, cancellationToken);
    }

    /// <summary>
    /// Merges <paramref name="patch"/> into an unclaimed, unfinished transfer (that <paramref name="may"/> accepts, when
    /// given), conditional on the row read; reads again when another writer got there first.
    /// </summary>
    /// <returns>The row as last read, before the patch (<c>null</c> when missing), and whether the patch was written.</returns>
    private async Task<(TableEntity? Row, bool Written)> TryMergeUnclaimedAsync(
        string tenant, string transferId, Func<TableEntity, bool>? may, TableEntity patch, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(ExportsTables.Transfers);
        while (true)
        {
            var row = await GetRowAsync(tenant, transferId, cancellationToken);
            if (row is null || IsClaimed(row) || ExportStatus.IsTerminal(row.GetString("Status")) || may?.Invoke(row) == false)
            {
                return (row, false);
            }

            try
            {
                await table.UpdateEntityAsync(patch, row.ETag, TableUpdateMode.Merge, cancellationToken);
                return (row, true);
            }
            catch (RequestFailedException ex) when (TableConflicts.IsLostWrite(ex))
            {
                // Another writer changed the row since it was read: read it again.
            }
        }
    }

    private async Task<ExportTransfer> WithMetricsAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(ExportsTables.TransferModels);
        var metrics = new List<ExportModelMetrics>();
        var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await foreach (var m in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {row.RowKey}"), cancellationToken: cancellationToken))
        {
            // Rows come in key order: a model's chunk files by number, then its manifest.
            if (m.RowKey.IndexOf(FileKeySeparator, StringComparison.Ordinal) is var separator and >= 0)
            {
                var model = m.RowKey[..separator];
                (files.TryGetValue(model, out var paths) ? paths : files[model] = []).Add(m.GetString("Path"));
                continue;
            }

            metrics.Add(new ExportModelMetrics
            {
                ModelName = m.RowKey,
                Status = m.GetString("Status"),
                StartTransferWindowAt = m.GetDateTimeOffset("WindowStart"),
                EndTransferWindowAt = m.GetDateTimeOffset("WindowEnd"),
                RowsTransferred = m.GetInt64("Rows") ?? 0,
                BytesTransferred = m.GetInt64("Bytes") ?? 0,

                // Transfers recorded before files had rows of their own kept the list in the model's row.
                Files = ExportsTables.FromJson<List<string>>(m.GetString("Files")) ?? [],
                Error = m.GetString("Error"),
            });
        }

        return FromEntity(row, [.. metrics.Select(m => files.TryGetValue(m.ModelName, out var paths) ? m with { Files = paths } : m)]);
    }
}
