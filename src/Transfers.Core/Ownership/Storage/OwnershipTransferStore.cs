using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Transfers.Core.Application;
using Transfers.Core.Reconciliation;

namespace Transfers.Core.Ownership;

/// <summary>
/// Ownership transfers. Each transfer has its own partition of <see cref="OwnershipTables.Transfers"/>: the record
/// (row <c>transfer</c>), one row per resource of <c>toTransfer</c> (<c>res:{collection}:{id}</c>) and one per
/// transfer error (<c>err:…</c>), so activities read the resources by transfer id and the id lists stay out of
/// orchestration history. <see cref="OwnershipTables.TransferIndex"/> lists transfer ids by owner (<c>out:{user}</c>)
/// and invitee (<c>in:{user}</c>); <see cref="OwnershipTables.TransferLocks"/> holds the integrations of open transfers.
/// </summary>
public sealed class OwnershipTransferStore
{
    private const string RecordRow = "transfer";
    private const string ResourcePrefix = "res:";
    private const string ErrorPrefix = "err:";
    private const string AccountLock = "*account";
    private const int MaxAttempts = 10;

    private readonly OwnershipTables _tables;

    /// <summary>Initializes a new instance of the <see cref="OwnershipTransferStore"/> class.</summary>
    /// <param name="tables">The family's tables.</param>
    public OwnershipTransferStore(OwnershipTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _tables = tables;
    }

    /// <summary>Index partition of a user's outbound transfers.</summary>
    /// <param name="userId">The owner.</param>
    /// <returns>The partition key.</returns>
    public static string Outbound(string userId) => $"out:{userId}";

    /// <summary>Index partition of a user's inbound transfers.</summary>
    /// <param name="userId">The invitee.</param>
    /// <returns>The partition key.</returns>
    public static string Inbound(string userId) => $"in:{userId}";

    /// <summary>
    /// Stores a new transfer after locking its integrations (or, for an account transfer, the whole account) against
    /// other open transfers of the same owner.
    /// </summary>
    /// <param name="transfer">The new transfer.</param>
    /// <param name="resources">Its <c>toTransfer</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>null</c> when stored; otherwise the integration id (or <c>account</c>) another open transfer holds.</returns>
    public async Task<string?> CreateAsync(OwnershipTransfer transfer, IReadOnlyCollection<TransferResourceRef> resources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        ArgumentNullException.ThrowIfNull(resources);
        var held = await LockAsync(transfer, cancellationToken);
        if (held is not null)
        {
            return held;
        }

        var transfers = await _tables.GetAsync(OwnershipTables.Transfers);
        await OwnershipTables.SubmitInBatchesAsync(
            transfers,
            resources.Select(r => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace,
                new TableEntity(transfer.Id, ResourceRow(r.Collection, r.Id)) { ["Name"] = r.Name })),
            cancellationToken);
        await transfers.UpsertEntityAsync(ToRow(transfer), TableUpdateMode.Replace, cancellationToken);

        // The index rows come last: a transfer is listed only once it is complete.
        var index = await _tables.GetAsync(OwnershipTables.TransferIndex);
        await index.UpsertEntityAsync(new TableEntity(Outbound(transfer.OwnerId), transfer.Id), TableUpdateMode.Replace, cancellationToken);
        await index.UpsertEntityAsync(new TableEntity(Inbound(transfer.ToUserId), transfer.Id), TableUpdateMode.Replace, cancellationToken);
        return null;
    }

    /// <summary>Gets a transfer record.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer, or <c>null</c>.</returns>
    public async Task<OwnershipTransfer?> GetAsync(string transferId, CancellationToken cancellationToken = default)
    {
        if (!ObjectIds.IsValid(transferId))
        {
            return null;
        }

        var transfers = await _tables.GetAsync(OwnershipTables.Transfers);
        var row = await transfers.GetEntityIfExistsAsync<TableEntity>(transferId, RecordRow, cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>
    /// Changes a transfer with optimistic concurrency: reads it, asks <paramref name="change"/> for the new record and
    /// writes it if nobody wrote in between, else starts over.
    /// </summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="change">Returns the new record, or <c>null</c> to leave the transfer as it is.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer as stored (<c>null</c> when it does not exist), and whether it changed.</returns>
    public async Task<(OwnershipTransfer? Transfer, bool Changed)> TryUpdateAsync(
        string transferId, Func<OwnershipTransfer, OwnershipTransfer?> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!ObjectIds.IsValid(transferId))
        {
            return (null, false);
        }

        var transfers = await _tables.GetAsync(OwnershipTables.Transfers);
        for (var attempt = 1; ; attempt++)
        {
            var row = await transfers.GetEntityIfExistsAsync<TableEntity>(transferId, RecordRow, cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                return (null, false);
            }

            var current = FromRow(row.Value!);
            if (change(current) is not { } updated)
            {
                return (current, false);
            }

            try
            {
                await transfers.UpdateEntityAsync(ToRow(updated), row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                return (updated, true);
            }
            catch (RequestFailedException e) when (TableConflicts.IsLostWrite(e) && attempt < MaxAttempts)
            {
                // Someone else changed it first; decide again on the new state.
            }
        }
    }

    /// <summary>
    /// Lists the transfers that have not ended (unapproved, queued or started), one page at a time and without their
    /// content: one query over the table, filtered on the record rows' status column.
    /// </summary>
    /// <param name="pageSize">The most transfers of one page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The pages.</returns>
    public async IAsyncEnumerable<IReadOnlyList<ActiveRecord>> ListOpenAsync(int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var transfers = await _tables.GetAsync(OwnershipTables.Transfers);
        string[] open = [Stored(OwnershipTransferStatus.Unapproved), Stored(OwnershipTransferStatus.Queued), Stored(OwnershipTransferStatus.Started)];
        await foreach (var page in ActiveRecord.ListAsync(transfers, TableClient.CreateQueryFilter($"RowKey eq {RecordRow}"), open, pageSize, cancellationToken))
        {
            yield return page;
        }
    }

    /// <summary>Gets a transfer record if it has not changed since it was read with <paramref name="etag"/>.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="etag">The version read.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer, or <c>null</c> when it changed or is gone.</returns>
    public async Task<OwnershipTransfer?> GetIfUnchangedAsync(string transferId, string etag, CancellationToken cancellationToken = default) =>
        await GetRowIfUnchangedAsync(transferId, etag, cancellationToken) is { } row ? FromRow(row) : null;

    /// <summary>Changes a transfer if it has not changed since it was read with <paramref name="etag"/>.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="etag">The version read.</param>
    /// <param name="change">Returns the new record.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer as stored, or <c>null</c> when it changed or is gone (nothing is written then).</returns>
    public async Task<OwnershipTransfer?> TryUpdateIfUnchangedAsync(
        string transferId, string etag, Func<OwnershipTransfer, OwnershipTransfer> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (await GetRowIfUnchangedAsync(transferId, etag, cancellationToken) is not { } row)
        {
            return null;
        }

        var updated = change(FromRow(row));
        try
        {
            var transfers = await _tables.GetAsync(OwnershipTables.Transfers);
            await transfers.UpdateEntityAsync(ToRow(updated), row.ETag, TableUpdateMode.Replace, cancellationToken);
            return updated;
        }
        catch (RequestFailedException e) when (TableConflicts.IsLostOrGone(e))
        {
            return null;
        }
    }

    /// <summary>Lists one page of transfer ids of an index partition, in id (creation) order.</summary>
    /// <param name="indexPartition">From <see cref="Outbound"/> or <see cref="Inbound"/>.</param>
    /// <param name="afterId">Start after this id; from the first when <c>null</c>.</param>
    /// <param name="take">The page size.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfers of the page and whether more follow.</returns>
    public async Task<(IReadOnlyList<OwnershipTransfer> Items, bool HasMore)> ListAsync(
        string indexPartition, string? afterId, int take, CancellationToken cancellationToken = default)
    {
        var index = await _tables.GetAsync(OwnershipTables.TransferIndex);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {indexPartition} and RowKey gt {afterId ?? string.Empty}");
        var ids = new List<string>(take + 1);
        await foreach (var row in index.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(take + 1, 1000), select: ["RowKey"], cancellationToken))
        {
            ids.Add(row.RowKey);
            if (ids.Count > take)
            {
                break;
            }
        }

        var hasMore = ids.Count > take;
        var page = hasMore ? ids[..take] : ids;
        var records = await Task.WhenAll(page.Select(id => GetAsync(id, cancellationToken)));

        // A transfer deleted between the index read and the record read is simply left out.
        return ([.. records.OfType<OwnershipTransfer>()], hasMore);
    }

    /// <summary>Reads a transfer's <c>toTransfer</c>, grouped by collection in id order.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The resources.</returns>
    public Task<IReadOnlyList<TransferResourceRef>> GetResourcesAsync(string transferId, CancellationToken cancellationToken = default) =>
        ReadResourcesAsync(transferId, ResourcePrefix, ResourcePrefix[..^1] + ";", cancellationToken);

    /// <summary>Reads the resources of a transfer in one collection between two ids, both included.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="chunk">The collection and id range.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The resources.</returns>
    public Task<IReadOnlyList<TransferResourceRef>> GetResourcesAsync(string transferId, OwnershipMoveChunk chunk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);

        // The upper bound is exclusive in the query, so extend it just past the last id.
        return ReadResourcesAsync(transferId, ResourceRow(chunk.Collection, chunk.FirstId), ResourceRow(chunk.Collection, chunk.LastId) + "\0", cancellationToken, inclusiveFrom: true);
    }

    /// <summary>Records errors of a transfer; recording the same error twice keeps one.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="errors">The errors.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when they are stored.</returns>
    public async Task AddErrorsAsync(string transferId, IReadOnlyCollection<TransferError> errors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var transfers = await _tables.GetAsync(OwnershipTables.Transfers);
        await OwnershipTables.SubmitInBatchesAsync(
            transfers,
            errors.Select(e => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace,
                new TableEntity(transferId, $"{ErrorPrefix}{e.Collection}:{e.ResourceId}")
                {
                    ["Code"] = e.Code,
                    ["Message"] = e.Message,
                    ["Collection"] = e.Collection,
                    ["ResourceId"] = e.ResourceId,
                })),
            cancellationToken);
    }

    /// <summary>Reads a transfer's errors.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The errors, by resource.</returns>
    public async Task<IReadOnlyList<TransferError>> GetErrorsAsync(string transferId, CancellationToken cancellationToken = default)
    {
        var transfers = await _tables.GetAsync(OwnershipTables.Transfers);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {transferId} and RowKey gt {ErrorPrefix} and RowKey lt {ErrorPrefix[..^1] + ";"}");
        var errors = new List<TransferError>();
        await foreach (var row in transfers.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            errors.Add(new TransferError(row.GetString("Code"), row.GetString("Message"), row.GetString("Collection"), row.GetString("ResourceId")));
        }

        return errors;
    }

    /// <summary>Releases the integration locks a transfer holds; idempotent.</summary>
    /// <param name="transfer">The transfer.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the locks are gone.</returns>
    public async Task ReleaseLocksAsync(OwnershipTransfer transfer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        var locks = await _tables.GetAsync(OwnershipTables.TransferLocks);
        foreach (var key in LockKeys(transfer))
        {
            // Only this transfer's lock: a later transfer may hold the same integration by now.
            var row = await locks.GetEntityIfExistsAsync<TableEntity>(transfer.OwnerId, key, cancellationToken: cancellationToken);
            if (row.HasValue && row.Value!.GetString("TransferId") == transfer.Id)
            {
                try
                {
                    await locks.DeleteEntityAsync(transfer.OwnerId, key, row.Value.ETag, cancellationToken);
                }
                catch (RequestFailedException e) when (TableConflicts.IsLostOrGone(e))
                {
                    // Released or taken over concurrently; either way it is no longer ours.
                }
            }
        }
    }

    /// <summary>Deletes a transfer: index rows first, then its partition.</summary>
    /// <param name="transfer">The transfer.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when it is gone.</returns>
    public async Task DeleteAsync(OwnershipTransfer transfer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        await ReleaseLocksAsync(transfer, cancellationToken);
        var index = await _tables.GetAsync(OwnershipTables.TransferIndex);
        await index.DeleteEntityAsync(Outbound(transfer.OwnerId), transfer.Id, ETag.All, cancellationToken);
        await index.DeleteEntityAsync(Inbound(transfer.ToUserId), transfer.Id, ETag.All, cancellationToken);
        var transfers = await _tables.GetAsync(OwnershipTables.Transfers);
        var keys = new List<string>();
        await foreach (var row in transfers.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {transfer.Id}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(row.RowKey);
        }

        await OwnershipTables.SubmitInBatchesAsync(
            transfers, keys.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(transfer.Id, k), ETag.All)), cancellationToken);
    }

    private async Task<TableEntity?> GetRowIfUnchangedAsync(string transferId, string etag, CancellationToken cancellationToken)
    {
        if (!ObjectIds.IsValid(transferId))
        {
            return null;
        }

        var transfers = await _tables.GetAsync(OwnershipTables.Transfers);
        var row = await transfers.GetEntityIfExistsAsync<TableEntity>(transferId, RecordRow, cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.ETag.ToString() == etag ? row.Value : null;
    }

    private static string ResourceRow(string collection, string id) => $"{ResourcePrefix}{collection}:{id}";

    private static IEnumerable<string> LockKeys(OwnershipTransfer transfer) =>
        transfer.Account ? [AccountLock] : transfer.IntegrationIds;

    private async Task<string?> LockAsync(OwnershipTransfer transfer, CancellationToken cancellationToken)
    {
        var locks = await _tables.GetAsync(OwnershipTables.TransferLocks);
        var taken = new List<string>();

        // An account transfer conflicts with any open transfer of the owner, and the other way round.
        var held = transfer.Account
            ? await FindAnyOpenLockAsync(locks, transfer.OwnerId, cancellationToken)
            : await FindOpenLockAsync(locks, transfer.OwnerId, AccountLock, cancellationToken);
        foreach (var key in held is null ? LockKeys(transfer) : [])
        {
            if (!await TryTakeLockAsync(locks, transfer, key, cancellationToken))
            {
                held = key;
                break;
            }

            taken.Add(key);
        }

        if (held is not null)
        {
            foreach (var key in taken)
            {
                await locks.DeleteEntityAsync(transfer.OwnerId, key, ETag.All, cancellationToken);
            }
        }

        return held == AccountLock ? "account" : held;
    }

    private async Task<bool> TryTakeLockAsync(TableClient locks, OwnershipTransfer transfer, string key, CancellationToken cancellationToken)
    {
        var row = new TableEntity(transfer.OwnerId, key) { ["TransferId"] = transfer.Id };
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                await locks.AddEntityAsync(row, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (TableConflicts.IsLostWrite(e))
            {
                // Taken: by an open transfer, or by one that closed and is releasing it right now (or crashed
                // before it could), whose lock is stale and can be taken over.
            }

            var existing = await locks.GetEntityIfExistsAsync<TableEntity>(transfer.OwnerId, key, cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                continue;
            }

            if (!await IsStaleAsync(existing.Value!, cancellationToken))
            {
                return false;
            }

            try
            {
                await locks.UpdateEntityAsync(row, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (TableConflicts.IsLostOrGone(e))
            {
                // Released or taken over meanwhile: look again.
            }
        }

        return false;
    }

    private async Task<string?> FindOpenLockAsync(TableClient locks, string ownerId, string key, CancellationToken cancellationToken)
    {
        var row = await locks.GetEntityIfExistsAsync<TableEntity>(ownerId, key, cancellationToken: cancellationToken);
        return row.HasValue && !await IsStaleAsync(row.Value!, cancellationToken) ? key : null;
    }

    private async Task<string?> FindAnyOpenLockAsync(TableClient locks, string ownerId, CancellationToken cancellationToken)
    {
        await foreach (var row in locks.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ownerId}"), cancellationToken: cancellationToken))
        {
            if (!await IsStaleAsync(row, cancellationToken))
            {
                return row.RowKey;
            }
        }

        return null;
    }

    private async Task<bool> IsStaleAsync(TableEntity lockRow, CancellationToken cancellationToken) =>
        await GetAsync(lockRow.GetString("TransferId"), cancellationToken) is not { IsClosed: false };

    private async Task<IReadOnlyList<TransferResourceRef>> ReadResourcesAsync(
        string transferId, string from, string to, CancellationToken cancellationToken, bool inclusiveFrom = false)
    {
        var transfers = await _tables.GetAsync(OwnershipTables.Transfers);
        var filter = inclusiveFrom
            ? TableClient.CreateQueryFilter($"PartitionKey eq {transferId} and RowKey ge {from} and RowKey lt {to}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {transferId} and RowKey gt {from} and RowKey lt {to}");
        var resources = new List<TransferResourceRef>();
        await foreach (var row in transfers.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            var key = row.RowKey.AsSpan(ResourcePrefix.Length);
            var colon = key.IndexOf(':');
            resources.Add(new TransferResourceRef(key[..colon].ToString(), key[(colon + 1)..].ToString(), row.GetString("Name")));
        }

        return resources;
    }

    /// <summary>
    /// A status as the record rows store it: capitalized (<c>Unapproved</c>), as they did when the statuses were an
    /// enum, so that rows written before and after read and filter alike.
    /// </summary>
    private static string Stored(string status) => string.Concat(status[..1].ToUpperInvariant(), status[1..]);

    private static TableEntity ToRow(OwnershipTransfer t) => new(t.Id, RecordRow)
    {
        ["OwnerId"] = t.OwnerId,
        ["ToUserId"] = t.ToUserId,
        ["Status"] = Stored(t.Status),
        ["Accepted"] = t.Accepted,
        ["Dismissed"] = t.Dismissed,
        ["Account"] = t.Account,
        ["CreatedAt"] = t.CreatedAt,
        ["LastModified"] = t.LastModified,
        ["ExpiresAt"] = t.ExpiresAt,
        ["TransferredAt"] = t.TransferredAt,
        ["IntegrationIds"] = JsonSerializer.Serialize(t.IntegrationIds),
    };

    private static OwnershipTransfer FromRow(TableEntity row) => new()
    {
        Id = row.PartitionKey,
        OwnerId = row.GetString("OwnerId"),
        ToUserId = row.GetString("ToUserId"),
        Status = row.GetString("Status").ToLowerInvariant(),
        Accepted = row.GetBoolean("Accepted") ?? false,
        Dismissed = row.GetBoolean("Dismissed") ?? false,
        Account = row.GetBoolean("Account") ?? false,
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? default,
        LastModified = row.GetDateTimeOffset("LastModified") ?? default,
        ExpiresAt = row.GetDateTimeOffset("ExpiresAt") ?? default,
        TransferredAt = row.GetDateTimeOffset("TransferredAt"),
        IntegrationIds = JsonSerializer.Deserialize<string[]>(row.GetString("IntegrationIds") ?? "[]") ?? [],
    };
}
