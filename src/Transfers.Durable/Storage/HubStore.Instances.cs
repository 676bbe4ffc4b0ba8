using Azure;
using Azure.Data.Tables;
using Transfers.Core.DurableTask;

namespace Transfers.Durable.Storage;

/// <summary>Instance rows: create, read, query, purge.</summary>
internal sealed partial class HubStore
{
    /// <summary>Reads an instance row.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="withPayloads">Also read input, output and custom status (from blobs when offloaded).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The instance, or <c>null</c>.</returns>
    public async Task<InstanceRecord?> GetInstanceAsync(string instanceId, bool withPayloads, CancellationToken cancellationToken = default)
    {
        var row = await _instances.GetEntityIfExistsAsync<TableEntity>(instanceId, Rows.Instance, cancellationToken: cancellationToken);
        return row.HasValue ? await ToInstanceAsync(row.Value!, withPayloads, cancellationToken) : null;
    }

    /// <summary>
    /// Creates an instance in status Pending, or replaces a finished one with the same id under a new generation.
    /// </summary>
    /// <param name="record">The new instance.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The instance that exists afterwards: the new one, or the live one that blocked it.</returns>
    public async Task<(bool Created, InstanceRecord Existing)> CreateInstanceAsync(InstanceRecord record, CancellationToken cancellationToken = default)
    {
        await TouchIndexAsync(record.InstanceId, cancellationToken);

        // Most ids are new: try to add first and read only when that conflicts.
        for (var attempt = 0; ; attempt++)
        {
            var existing = attempt == 0 ? null : await GetInstanceAsync(record.InstanceId, withPayloads: false, cancellationToken);
            if (existing is { Status: not (OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated) })
            {
                return (false, existing);
            }

            // The old generation's history stays out of replay because rows are read per generation; steps delete it.
            var fresh = existing is null
                ? record
                : record with { Generation = existing.Generation + 1, FirstGeneration = existing.Generation + 1, StaleHistory = AppendStale(existing.StaleHistory, existing.Generation, 0, existing.HistoryCount) };
            var entity = await ToEntityAsync(fresh, cancellationToken);
            try
            {
                var response = existing is null
                    ? await _instances.AddEntityAsync(entity, cancellationToken)
                    : await _instances.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return (true, fresh with { ETag = response.Headers.ETag ?? default });
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone else created or changed it meanwhile: look again.
            }
        }
    }

    /// <summary>Queries instance rows one page at a time.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>One page.</returns>
    public async Task<OrchestrationQueryPage> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey eq {Rows.Instance}");
        if (query.Statuses is { Count: > 0 } statuses)
        {
            filter += " and (" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"Status eq {s.ToString()}"))) + ")";
        }

        if (query.Name is { } name)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Name eq {name}");
        }

        if (query.CreatedFrom is { } from)
        {
            filter += " and " + TableClient.CreateQueryFilter($"CreatedAt ge {from}");
        }

        if (query.CreatedTo is { } to)
        {
            filter += " and " + TableClient.CreateQueryFilter($"CreatedAt le {to}");
        }

        if (query.InstanceIdPrefix is { Length: > 0 } prefix)
        {
            filter += " and " + TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + '\uffff'}");
        }

        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        await foreach (var page in _instances.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(query.ContinuationToken, pageSize))
        {
            var instances = new List<OrchestrationMetadata>(page.Values.Count);
            foreach (var row in page.Values)
            {
                instances.Add((await ToInstanceAsync(row, query.FetchInputsAndOutputs, cancellationToken)).ToMetadata(query.FetchInputsAndOutputs));
            }

            return new OrchestrationQueryPage(instances, page.ContinuationToken);
        }

        return new OrchestrationQueryPage([], null);
    }

    /// <summary>Deletes every row of an instance, its index row and its payload blobs.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when an instance existed.</returns>
    public async Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var keys = new List<string>();
        await foreach (var row in _instances.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(row.RowKey);
        }

        if (!keys.Remove(Rows.Instance))
        {
            return false;
        }

        // The instance row goes first: from then on the instance is gone for clients and steps alike.
        await _instances.DeleteEntityAsync(instanceId, Rows.Instance, ETag.All, cancellationToken);
        foreach (var chunk in keys.Chunk(100))
        {
            await _instances.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(instanceId, k), ETag.All)), cancellationToken);
        }

        await DeletePayloadsAsync(instanceId, cancellationToken);
        await _index.DeleteEntityAsync(Rows.Partition(PartitionOf(instanceId)), instanceId, ETag.All, cancellationToken);
        return true;
    }

    internal static string? AppendStale(string? stale, int generation, int from, int to) =>
        to <= from ? stale : string.IsNullOrEmpty(stale) ? $"{generation}:{from}:{to}" : $"{stale};{generation}:{from}:{to}";

    private async Task<InstanceRecord> ToInstanceAsync(TableEntity row, bool withPayloads, CancellationToken cancellationToken)
    {
        var failure = await GetPayloadAsync(row, "Failure", cancellationToken);
        return new InstanceRecord
        {
            InstanceId = row.PartitionKey,
            Name = row.GetString("Name") ?? string.Empty,
            Status = Enum.Parse<OrchestrationRuntimeStatus>(row.GetString("Status") ?? nameof(OrchestrationRuntimeStatus.Pending)),
            Input = withPayloads ? await GetPayloadAsync(row, "Input", cancellationToken) : null,
            Output = withPayloads ? await GetPayloadAsync(row, "Output", cancellationToken) : null,
            CustomStatus = withPayloads ? await GetPayloadAsync(row, "CustomStatus", cancellationToken) : null,
            Failure = DurableJson.Deserialize<TaskFailureDetails>(failure),
            Generation = row.GetInt32("Generation") ?? 0,
            FirstGeneration = row.GetInt32("FirstGeneration") ?? 0,
            HistoryCount = row.GetInt32("HistoryCount") ?? 0,
            NeedsStep = row.GetBoolean("NeedsStep") ?? false,
            StaleHistory = row.GetString("StaleHistory"),
            Carried = row.GetInt32("Carried"),
            CarryAt = row.GetDateTimeOffset("CarryAt"),
            CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch,
            UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.UnixEpoch,
            StartAt = row.GetDateTimeOffset("StartAt"),
            ParentId = row.GetString("ParentId"),
            ParentGeneration = row.GetInt32("ParentGeneration") ?? 0,
            ParentTaskId = row.GetInt32("ParentTaskId") ?? 0,
            TraceParent = row.GetString("TraceParent"),
            ETag = row.ETag,
        };
    }

    private async Task<TableEntity> ToEntityAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var row = new TableEntity(record.InstanceId, Rows.Instance)
        {
            ["Name"] = record.Name,
            ["Status"] = record.Status.ToString(),
            ["Generation"] = record.Generation,
            ["FirstGeneration"] = record.FirstGeneration,
            ["HistoryCount"] = record.HistoryCount,
            ["NeedsStep"] = record.NeedsStep,
            ["CreatedAt"] = record.CreatedAt,
            ["UpdatedAt"] = record.UpdatedAt,
        };
        if (record.StaleHistory is { Length: > 0 } stale)
        {
            row["StaleHistory"] = stale;
        }

        if (record.Carried is { } carried)
        {
            row["Carried"] = carried;
            row["CarryAt"] = record.CarryAt;
        }

        if (record.StartAt is { } startAt)
        {
            row["StartAt"] = startAt;
        }

        if (record.ParentId is { } parent)
        {
            row["ParentId"] = parent;
            row["ParentGeneration"] = record.ParentGeneration;
            row["ParentTaskId"] = record.ParentTaskId;
        }

        if (record.TraceParent is { } traceParent)
        {
            row["TraceParent"] = traceParent;
        }

        await SetPayloadAsync(row, "Input", record.Input, cancellationToken);
        await SetPayloadAsync(row, "Output", record.Output, cancellationToken);
        await SetPayloadAsync(row, "CustomStatus", record.CustomStatus, cancellationToken);
        await SetPayloadAsync(row, "Failure", DurableJson.Serialize(record.Failure), cancellationToken);
        return row;
    }
}
