using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Transfers.Core.Application;

namespace Transfers.Core.Ownership;

/// <summary>
/// Resources in two tables: <see cref="OwnershipTables.Resources"/> (partition = collection, row = id) is the owner of
/// record, updated with ETags; <see cref="OwnershipTables.ResourcesByOwner"/> (partition = owner, row =
/// <c>{collection}:{id}</c>) serves the owner's lists. A move updates the record first, then the owner index, so
/// a repeated move finds the record already moved by the same transfer and only repairs the index.
/// </summary>
public sealed class ResourceStore
{
    private const string OwnerProperty = "OwnerId";
    private const string NameProperty = "Name";
    private const string DocumentProperty = "Document";
    private const string VersionProperty = "OwnerVersion";
    private const string MovedByProperty = "MovedBy";

    private readonly OwnershipTables _tables;

    /// <summary>Initializes a new instance of the <see cref="ResourceStore"/> class.</summary>
    /// <param name="tables">The family's tables.</param>
    public ResourceStore(OwnershipTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _tables = tables;
    }

    /// <summary>Stores new resources; resources of one collection or owner are written in table transactions.</summary>
    /// <param name="resources">The resources, each with a fresh id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when every resource is stored.</returns>
    public async Task AddAsync(IReadOnlyCollection<OwnedResource> resources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var records = await _tables.GetAsync(OwnershipTables.Resources);
        var byOwner = await _tables.GetAsync(OwnershipTables.ResourcesByOwner);
        foreach (var group in resources.GroupBy(r => r.Collection))
        {
            await OwnershipTables.SubmitInBatchesAsync(
                records, group.Select(r => new TableTransactionAction(TableTransactionActionType.Add, ToRecord(r))), cancellationToken);
        }

        foreach (var group in resources.GroupBy(r => r.OwnerId))
        {
            await OwnershipTables.SubmitInBatchesAsync(
                byOwner, group.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToIndex(r, r.OwnerId))), cancellationToken);
        }
    }

    /// <summary>Gets a resource by collection and id.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="id">The resource id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The resource, or <c>null</c>.</returns>
    public async Task<OwnedResource?> GetAsync(string collection, string id, CancellationToken cancellationToken = default)
    {
        if (!ResourceCollections.IsCollection(collection) || !ObjectIds.IsValid(id))
        {
            return null;
        }

        var records = await _tables.GetAsync(OwnershipTables.Resources);
        var row = await records.GetEntityIfExistsAsync<TableEntity>(collection, id, cancellationToken: cancellationToken);
        return row.HasValue ? FromRecord(row.Value!) : null;
    }

    /// <summary>Lists one page of an owner's resources of one collection, in id order.</summary>
    /// <param name="ownerId">The owner.</param>
    /// <param name="collection">The collection.</param>
    /// <param name="afterId">Start after this id; from the first when <c>null</c>.</param>
    /// <param name="take">The page size.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page and whether more follow.</returns>
    public async Task<(IReadOnlyList<OwnedResource> Items, bool HasMore)> ListAsync(
        string ownerId, string collection, string? afterId, int take, CancellationToken cancellationToken = default)
    {
        var byOwner = await _tables.GetAsync(OwnershipTables.ResourcesByOwner);
        var from = afterId is null ? $"{collection}:" : $"{collection}:{afterId}";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ownerId} and RowKey gt {from} and RowKey lt {collection + ";"}");
        var items = new List<OwnedResource>(take + 1);
        await foreach (var row in byOwner.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(take + 1, 1000), cancellationToken: cancellationToken))
        {
            items.Add(FromIndex(row));
            if (items.Count > take)
            {
                break;
            }
        }

        var hasMore = items.Count > take;
        return (hasMore ? items[..take] : items, hasMore);
    }

    /// <summary>Lists every resource an owner has, in every collection.</summary>
    /// <param name="ownerId">The owner.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The resources.</returns>
    public async Task<IReadOnlyList<OwnedResource>> ListAllAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        var byOwner = await _tables.GetAsync(OwnershipTables.ResourcesByOwner);
        var items = new List<OwnedResource>();
        await foreach (var row in byOwner.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ownerId}"), cancellationToken: cancellationToken))
        {
            items.Add(FromIndex(row));
        }

        return items;
    }

    /// <summary>Finds which of the given references an owner does not own.</summary>
    /// <param name="ownerId">The owner.</param>
    /// <param name="references">(collection, id) pairs.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The references that are missing or belong to someone else.</returns>
    public async Task<IReadOnlyList<(string Collection, string Id)>> FindNotOwnedAsync(
        string ownerId, IEnumerable<(string Collection, string Id)> references, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(references);
        var byOwner = await _tables.GetAsync(OwnershipTables.ResourcesByOwner);
        var missing = new List<(string, string)>();
        foreach (var (collection, id) in references.Distinct())
        {
            var row = await byOwner.GetEntityIfExistsAsync<TableEntity>(ownerId, $"{collection}:{id}", select: ["RowKey"], cancellationToken);
            if (!row.HasValue)
            {
                missing.Add((collection, id));
            }
        }

        return missing;
    }

    /// <summary>
    /// Moves resources of one collection from one owner to another for a transfer. Idempotent: a resource this
    /// transfer already moved counts as moved again. Conditional: a resource whose owner is no longer
    /// <paramref name="fromOwnerId"/> (or that no longer exists) is reported, not taken.
    /// </summary>
    /// <param name="collection">The collection.</param>
    /// <param name="ids">The resource ids, sorted.</param>
    /// <param name="fromOwnerId">The owner at the time of the invitation.</param>
    /// <param name="toOwnerId">The new owner.</param>
    /// <param name="transferId">The transfer that moves them.</param>
    /// <param name="concurrency">How many batches of 100 to move at once.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many moved, and the errors.</returns>
    public async Task<MoveOutcome> MoveAsync(
        string collection,
        IReadOnlyList<string> ids,
        string fromOwnerId,
        string toOwnerId,
        string transferId,
        int concurrency,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return new MoveOutcome(0, []);
        }

        var records = await _tables.GetAsync(OwnershipTables.Resources);
        var byOwner = await _tables.GetAsync(OwnershipTables.ResourcesByOwner);

        // One range query for the whole set: a query costs about a scan of the table on Azurite, so per-batch
        // queries would multiply that cost; ids of one owner are close in id order, so the range holds few others.
        var found = await ReadRangeAsync(records, collection, ids, cancellationToken);
        var moved = 0;
        var errors = new ConcurrentBag<TransferError>();
        await Parallel.ForEachAsync(
            ids.Chunk(OwnershipTables.MaxBatch),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = cancellationToken },
            async (batch, token) =>
            {
                var (batchMoved, batchErrors) = await MoveBatchAsync(records, byOwner, collection, batch, found, fromOwnerId, toOwnerId, transferId, token);
                Interlocked.Add(ref moved, batchMoved.Count);
                foreach (var error in batchErrors)
                {
                    errors.Add(error);
                }
            });
        return new MoveOutcome(moved, [.. errors.OrderBy(e => e.ResourceId, StringComparer.Ordinal)]);
    }

    private static async Task<(List<TableEntity> Moved, List<TransferError> Errors)> MoveBatchAsync(
        TableClient records,
        TableClient byOwner,
        string collection,
        string[] ids,
        Dictionary<string, TableEntity> found,
        string fromOwnerId,
        string toOwnerId,
        string transferId,
        CancellationToken cancellationToken)
    {
        var moved = new List<TableEntity>();
        var toMove = new List<TableEntity>();
        var errors = new List<TransferError>();
        foreach (var id in ids)
        {
            if (!found.TryGetValue(id, out var row))
            {
                errors.Add(NotFound(collection, id));
            }
            else if (IsMovedBy(row, toOwnerId, transferId))
            {
                moved.Add(row);
            }
            else if (row.GetString(OwnerProperty) != fromOwnerId)
            {
                errors.Add(OwnerChanged(collection, id));
            }
            else
            {
                toMove.Add(row);
            }
        }

        moved.AddRange(await UpdateOwnersAsync(records, collection, toMove, toOwnerId, transferId, errors, cancellationToken));
        if (moved.Count > 0)
        {
            await OwnershipTables.SubmitInBatchesAsync(
                byOwner,
                moved.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToIndex(FromRecord(r), toOwnerId))),
                cancellationToken);
            await DeleteIndexRowsAsync(byOwner, fromOwnerId, moved.Select(r => $"{collection}:{r.RowKey}").ToList(), cancellationToken);
        }

        return (moved, errors);
    }

    private static async Task<List<TableEntity>> UpdateOwnersAsync(
        TableClient records, string collection, List<TableEntity> rows, string toOwnerId, string transferId, List<TransferError> errors, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return rows;
        }

        var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpdateMerge, Moved(r, toOwnerId, transferId), r.ETag)).ToList();
        try
        {
            await records.SubmitTransactionAsync(actions, cancellationToken);
            return rows;
        }
        catch (TableTransactionFailedException)
        {
            // Someone changed a row since it was read: settle each row alone to find out which.
        }

        var updated = new List<TableEntity>();
        foreach (var row in rows)
        {
            try
            {
                await records.UpdateEntityAsync(Moved(row, toOwnerId, transferId), row.ETag, TableUpdateMode.Merge, cancellationToken);
                updated.Add(row);
            }
            catch (RequestFailedException e) when (TableConflicts.IsLostOrGone(e))
            {
                var current = await records.GetEntityIfExistsAsync<TableEntity>(collection, row.RowKey, cancellationToken: cancellationToken);
                if (!current.HasValue)
                {
                    errors.Add(NotFound(collection, row.RowKey));
                }
                else if (IsMovedBy(current.Value!, toOwnerId, transferId))
                {
                    updated.Add(current.Value!);
                }
                else
                {
                    errors.Add(OwnerChanged(collection, row.RowKey));
                }
            }
        }

        return updated;
    }

    private static async Task DeleteIndexRowsAsync(TableClient byOwner, string ownerId, List<string> rowKeys, CancellationToken cancellationToken)
    {
        foreach (var chunk in rowKeys.Chunk(OwnershipTables.MaxBatch))
        {
            try
            {
                await byOwner.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(ownerId, k), ETag.All)), cancellationToken);
            }
            catch (TableTransactionFailedException)
            {
                // A repeated move finds some index rows gone already; a missing row fails the whole transaction,
                // so delete one by one, which ignores missing rows.
                foreach (var key in chunk)
                {
                    await byOwner.DeleteEntityAsync(ownerId, key, ETag.All, cancellationToken);
                }
            }
        }
    }

    private static async Task<Dictionary<string, TableEntity>> ReadRangeAsync(TableClient records, string collection, IReadOnlyList<string> sortedIds, CancellationToken cancellationToken)
    {
        var wanted = sortedIds.ToHashSet(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {collection} and RowKey ge {sortedIds[0]} and RowKey le {sortedIds[sortedIds.Count - 1]}");
        var found = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var row in records.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (wanted.Contains(row.RowKey))
            {
                found[row.RowKey] = row;
            }
        }

        return found;
    }

    private static bool IsMovedBy(TableEntity row, string toOwnerId, string transferId) =>
        row.GetString(OwnerProperty) == toOwnerId && row.GetString(MovedByProperty) == transferId;

    private static TableEntity Moved(TableEntity row, string toOwnerId, string transferId) =>
        new(row.PartitionKey, row.RowKey)
        {
            [OwnerProperty] = toOwnerId,
            [MovedByProperty] = transferId,
            [VersionProperty] = (row.GetInt32(VersionProperty) ?? 0) + 1,
        };

    private static TransferError NotFound(string collection, string id) =>
        new("resource_not_found", $"The {collection} resource {id} no longer exists.", collection, id);

    private static TransferError OwnerChanged(string collection, string id) =>
        new("owner_changed", $"The owner of {collection} resource {id} changed since the invitation; it was not transferred.", collection, id);

    private static TableEntity ToRecord(OwnedResource r) => new(r.Collection, r.Id)
    {
        [OwnerProperty] = r.OwnerId,
        [NameProperty] = r.Name,
        [DocumentProperty] = r.Document,
        [VersionProperty] = r.OwnerVersion,
        [MovedByProperty] = r.MovedBy,
    };

    private static TableEntity ToIndex(OwnedResource r, string ownerId) => new(ownerId, $"{r.Collection}:{r.Id}")
    {
        [NameProperty] = r.Name,
        [DocumentProperty] = r.Document,
    };

    private static OwnedResource FromRecord(TableEntity row) =>
        new(row.PartitionKey, row.RowKey, row.GetString(OwnerProperty), row.GetString(NameProperty), row.GetString(DocumentProperty))
        {
            OwnerVersion = row.GetInt32(VersionProperty) ?? 0,
            MovedBy = row.GetString(MovedByProperty),
        };

    private static OwnedResource FromIndex(TableEntity row)
    {
        var colon = row.RowKey.IndexOf(':', StringComparison.Ordinal);
        return new OwnedResource(row.RowKey[..colon], row.RowKey[(colon + 1)..], row.PartitionKey, row.GetString(NameProperty), row.GetString(DocumentProperty));
    }
}
