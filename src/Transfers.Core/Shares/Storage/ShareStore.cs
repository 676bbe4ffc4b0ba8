using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Transfers.Core.Application;
using Transfers.Core.DurableTask;
using Transfers.Core.Reconciliation;
using Transfers.Core.Security;
using Transfers.Core.Tabular;

namespace Transfers.Core.Shares;

/// <summary>What <see cref="ShareStore.AddTransferAsync"/> did.</summary>
/// <param name="Transfer">The stored transfer, with its ETag; <c>null</c> when none was added.</param>
/// <param name="ShareDeleted">Whether the share is deleted (or being deleted); when <c>false</c> and nothing was added, the share is full.</param>
public sealed record TransferAddResult(ShareTransfer? Transfer, bool ShareDeleted);

/// <summary>
/// Shares (table <c>Shares</c>, partitioned by tenant) and their transfers (table <c>ShareTransfers</c>, partitioned by
/// share, at most a few dozen per share).
/// </summary>
/// <remarks>
/// A transfer record is its JSON in UTF-8, split over binary properties (<see cref="ShareJson.SetParts"/>); base64 grows
/// it by a third on the wire whatever it holds. The parts that grow with the request or the source are bounded: the
/// contents by <see cref="MaxContentsBytes"/> (checked when the request is read), the errors by
/// <see cref="MaxErrorsBytes"/> (the first that fit are kept), and the rest (ids, dates, counts, the access details, the
/// destination) stays under 16 KiB. So a record takes at most about 690 KiB, 920 KiB as base64: under the limit on
/// Azure, which counts binary properties as they are, and on Azurite.
/// </remarks>
public sealed class ShareStore
{
    /// <summary>The shares table (<see cref="SharesTables.Shares"/>).</summary>
    public const string SharesTable = SharesTables.Shares;

    /// <summary>The most bytes a transfer's contents (its pathNames or tables) may take as stored JSON: 512 KiB.</summary>
    public const int MaxContentsBytes = 512 * 1024;

    /// <summary>The most bytes of errors a record keeps: 160 KiB, fifty errors on 1,024-character paths of accented letters.</summary>
    public const int MaxErrorsBytes = 160 * 1024;

    /// <summary>
    /// The row in each share's partition that every added transfer rewrites with an ETag check, in the same transaction,
    /// so that two adds counting the same live transfers cannot both commit. Not a transfer id, so never read as one.
    /// Deleting the share leaves it behind marked <see cref="DeletedColumn"/>, so that no add can slip in afterwards.
    /// Each tenant's partition of the shares table has one too, which every created share rewrites the same way.
    /// </summary>
    private const string AddGuardRow = "add-guard";

    private const string DeletedColumn = "Deleted";

    private readonly SharesTables _tables;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="ShareStore"/> class.</summary>
    /// <param name="tables">The family's tables; records live in the host's own account.</param>
    /// <param name="time">The clock.</param>
    public ShareStore(SharesTables tables, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(time);
        _tables = tables;
        _time = time;
    }

    /// <summary>
    /// Creates a share unless the tenant already holds <paramref name="maxShares"/>. The count and the add are one
    /// decision, as for transfers (<see cref="AddTransferAsync"/>): the add commits in one transaction with a rewrite of
    /// the tenant's guard row, checked against the ETag read with the count, and counts again when another create
    /// committed in between. A delete meanwhile only lowers the count.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="name">The name.</param>
    /// <param name="source">The source.</param>
    /// <param name="destination">The destination, if any.</param>
    /// <param name="maxShares">The most shares a tenant holds.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new share, or <c>null</c> when the tenant holds <paramref name="maxShares"/> shares already.</returns>
    public async Task<Share?> CreateShareAsync(
        string tenant, string name, ShareSource source, ShareDestination? destination, int maxShares, CancellationToken cancellationToken = default)
    {
        var sharesTable = await _tables.GetAsync(SharesTables.Shares);
        var share = new Share(Secrets.NewId(), tenant, name, source, destination, _time.GetUtcNow());
        while (true)
        {
            ETag? guard = null;
            var count = 0;
            await foreach (var row in sharesTable.QueryAsync<TableEntity>(e => e.PartitionKey == tenant, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                if (row.RowKey == AddGuardRow)
                {
                    guard = row.ETag;
                }
                else
                {
                    count++;
                }
            }

            if (count >= maxShares)
            {
                return null;
            }

            TableTransactionAction[] actions =
            [
                WriteGuard(new TableEntity(tenant, AddGuardRow), guard),
                new TableTransactionAction(TableTransactionActionType.Add, ToEntity(share)),
            ];
            try
            {
                await sharesTable.SubmitTransactionAsync(actions, cancellationToken);
                return share;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 0 && TableConflicts.IsLostWrite(e))
            {
                // Another create committed since the count (412), or created the guard row first (409): count again.
            }
        }
    }

    /// <summary>Reads a tenant's share.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The share, or <c>null</c> when the tenant has no such share.</returns>
    public async Task<Share?> GetShareAsync(string tenant, string shareId, CancellationToken cancellationToken = default)
    {
        if (!IsId(shareId))
        {
            return null;
        }

        var sharesTable = await _tables.GetAsync(SharesTables.Shares);
        var row = await sharesTable.GetEntityIfExistsAsync<TableEntity>(tenant, shareId, cancellationToken: cancellationToken);
        return row.HasValue ? ToShare(row.Value!) : null;
    }

    /// <summary>Lists a tenant's shares.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The shares, newest first (ties by id).</returns>
    public async Task<IReadOnlyList<Share>> ListSharesAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var sharesTable = await _tables.GetAsync(SharesTables.Shares);
        var shares = new List<Share>();
        await foreach (var row in sharesTable.QueryAsync<TableEntity>(e => e.PartitionKey == tenant && e.RowKey != AddGuardRow, cancellationToken: cancellationToken))
        {
            shares.Add(ToShare(row));
        }

        return [.. shares.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal)];
    }

    /// <summary>Replaces a share's destination.</summary>
    /// <param name="share">The share with its new destination.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>false</c> when the share no longer exists (deleted meanwhile); nothing is written then.</returns>
    public async Task<bool> UpdateShareAsync(Share share, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(share);
        var sharesTable = await _tables.GetAsync(SharesTables.Shares);
        try
        {
            await sharesTable.UpdateEntityAsync(ToEntity(share), ETag.All, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes a share and its transfer records unless one of its transfers is active. The check and the deletion are
    /// one decision: the records that can still change (any but canceled and superseded) go in one transaction with the
    /// guard row, each checked against the ETag read with the check, so an add or a start in between makes it look
    /// again; the guard stays as a tombstone that refuses later adds.
    /// </summary>
    /// <param name="share">The share.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The active transfer that keeps the share, or <c>null</c> when the share was deleted.</returns>
    public async Task<ShareTransfer?> DeleteShareAsync(Share share, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(share);
        var transfersTable = await _tables.GetAsync(SharesTables.Transfers);
        var sharesTable = await _tables.GetAsync(SharesTables.Shares);
        while (true)
        {
            ETag? guard = null;
            var transfers = new List<TableEntity>();
            await foreach (var row in transfersTable.QueryAsync<TableEntity>(
                e => e.PartitionKey == share.Id, select: ["PartitionKey", "RowKey", "Status"], cancellationToken: cancellationToken))
            {
                if (row.RowKey == AddGuardRow)
                {
                    guard = row.ETag;
                }
                else
                {
                    transfers.Add(row);
                }
            }

            if (transfers.FirstOrDefault(t => ShareTransferStatus.IsActive(t.GetString("Status"))) is { } active)
            {
                if (await GetTransferAsync(share.Id, active.RowKey, cancellationToken) is { } kept)
                {
                    return kept;
                }

                continue;
            }

            var tombstone = new TableEntity(share.Id, AddGuardRow) { [DeletedColumn] = true };
            List<TableTransactionAction> changeable =
            [
                WriteGuard(tombstone, guard),
                .. transfers.Where(t => !ShareTransferStatus.IsFinal(t.GetString("Status")))
                    .Select(t => new TableTransactionAction(TableTransactionActionType.Delete, t, t.ETag)),
            ];
            try
            {
                await transfersTable.SubmitTransactionAsync(changeable, cancellationToken);

                // Canceled and superseded records never change again.
                foreach (var chunk in transfers.Where(t => ShareTransferStatus.IsFinal(t.GetString("Status"))).Chunk(TableBatchWriter.MaxBatchSize))
                {
                    await transfersTable.SubmitTransactionAsync(chunk.Select(t => new TableTransactionAction(TableTransactionActionType.Delete, t, ETag.All)), cancellationToken);
                }
            }
            catch (TableTransactionFailedException e) when (TableConflicts.IsLostOrGone(e))
            {
                // An add, a start or another delete came in between: look again.
                continue;
            }

            await sharesTable.DeleteEntityAsync(share.Tenant, share.Id, ETag.All, cancellationToken);
            return null;
        }
    }

    /// <summary>
    /// Adds a transfer unless its share already holds <paramref name="maxLive"/> live transfers (any but canceled and
    /// superseded, which can no longer be removed) or is being deleted. The count and the add are one decision: the add
    /// commits in one transaction with a rewrite of the share's guard row, checked against the ETag read with the count,
    /// and counts again when another add committed in between.
    /// </summary>
    /// <param name="transfer">The transfer.</param>
    /// <param name="maxLive">The most live transfers a share holds.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored transfer with its ETag, or why none was added.</returns>
    public async Task<TransferAddResult> AddTransferAsync(ShareTransfer transfer, int maxLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        var transfersTable = await _tables.GetAsync(SharesTables.Transfers);
        var (stored, entity) = ToEntity(transfer);
        while (true)
        {
            ETag? guard = null;
            var live = 0;
            await foreach (var row in transfersTable.QueryAsync<TableEntity>(
                e => e.PartitionKey == transfer.ShareId, select: ["RowKey", "Status", DeletedColumn], cancellationToken: cancellationToken))
            {
                if (row.RowKey == AddGuardRow)
                {
                    if (row.GetBoolean(DeletedColumn) == true)
                    {
                        return new TransferAddResult(null, ShareDeleted: true);
                    }

                    guard = row.ETag;
                }
                else if (!ShareTransferStatus.IsFinal(row.GetString("Status")))
                {
                    live++;
                }
            }

            if (live >= maxLive)
            {
                return new TransferAddResult(null, ShareDeleted: false);
            }

            var guardRow = new TableEntity(transfer.ShareId, AddGuardRow);
            TableTransactionAction[] actions =
            [
                WriteGuard(guardRow, guard),
                new TableTransactionAction(TableTransactionActionType.Add, entity),
            ];
            try
            {
                var response = await transfersTable.SubmitTransactionAsync(actions, cancellationToken);
                return new TransferAddResult(stored with { ETag = response.Value[1].Headers.ETag?.ToString() }, ShareDeleted: false);
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 0 && TableConflicts.IsLostWrite(e))
            {
                // Another add committed since the count (412), or created the guard row first (409): count again.
            }
        }
    }

    /// <summary>
    /// Reads the share and transfer a check's activity works on. Both exist for as long as their orchestration runs
    /// (a share with active transfers cannot be deleted), so a missing one is an error of the check, not a result.
    /// </summary>
    /// <param name="reference">The transfer.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The share and the transfer.</returns>
    /// <exception cref="InvalidOperationException">The share or the transfer no longer exists.</exception>
    public async Task<(Share Share, ShareTransfer Transfer)> GetCheckedAsync(ShareTransferRef reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var share = await GetShareAsync(reference.Tenant, reference.ShareId, cancellationToken)
            ?? throw new InvalidOperationException("The share no longer exists.");
        var transfer = await GetTransferAsync(reference.ShareId, reference.TransferId, cancellationToken)
            ?? throw new InvalidOperationException("The transfer no longer exists.");
        return (share, transfer);
    }

    /// <summary>Reads a transfer.</summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer, or <c>null</c>.</returns>
    public async Task<ShareTransfer?> GetTransferAsync(string shareId, string transferId, CancellationToken cancellationToken = default)
    {
        if (!IsId(shareId) || !IsId(transferId))
        {
            return null;
        }

        var transfersTable = await _tables.GetAsync(SharesTables.Transfers);
        var row = await transfersTable.GetEntityIfExistsAsync<TableEntity>(shareId, transferId, cancellationToken: cancellationToken);
        return row.HasValue ? ToTransfer(row.Value!) : null;
    }

    /// <summary>Lists a share's transfers.</summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfers, newest first (ties by id).</returns>
    public async Task<IReadOnlyList<ShareTransfer>> ListTransfersAsync(string shareId, CancellationToken cancellationToken = default)
    {
        var transfersTable = await _tables.GetAsync(SharesTables.Transfers);
        var transfers = new List<ShareTransfer>();
        await foreach (var row in transfersTable.QueryAsync<TableEntity>(e => e.PartitionKey == shareId && e.RowKey != AddGuardRow, cancellationToken: cancellationToken))
        {
            transfers.Add(ToTransfer(row));
        }

        return [.. transfers.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Lists, over every share, the transfers whose orchestration should be running (sending, syncing, synced or paused),
    /// one page at a time and without their content: one query over the table, filtered on its status column.
    /// </summary>
    /// <param name="pageSize">The most transfers of one page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The pages.</returns>
    public async IAsyncEnumerable<IReadOnlyList<ActiveRecord>> ListActiveTransfersAsync(int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var transfersTable = await _tables.GetAsync(SharesTables.Transfers);
        string[] active = [ShareTransferStatus.Sending, ShareTransferStatus.Syncing, ShareTransferStatus.Synced, ShareTransferStatus.Paused];
        await foreach (var page in ActiveRecord.ListAsync(transfersTable, null, active, pageSize, cancellationToken))
        {
            yield return page;
        }
    }

    /// <summary>Replaces a transfer if it has not changed since it was read.</summary>
    /// <param name="transfer">The transfer, with the ETag it was read with.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored transfer, or <c>null</c> when someone else changed (or, with its share, deleted) it first.</returns>
    public async Task<ShareTransfer?> TryReplaceTransferAsync(ShareTransfer transfer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        var transfersTable = await _tables.GetAsync(SharesTables.Transfers);
        var (stored, entity) = ToEntity(transfer);
        try
        {
            var response = await transfersTable.UpdateEntityAsync(
                entity, transfer.ETag is null ? ETag.All : new ETag(transfer.ETag), TableUpdateMode.Replace, cancellationToken);
            return stored with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException e) when (TableConflicts.IsLostOrGone(e))
        {
            return null;
        }
    }

    /// <summary>
    /// Reads, changes and writes a transfer, retrying when another writer got there first. The change returns
    /// <c>null</c> to leave the record as it is.
    /// </summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="change">The change.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer as stored afterwards, or <c>null</c> when it does not exist.</returns>
    public Task<ShareTransfer?> UpdateTransferAsync(
        string shareId, string transferId, Func<ShareTransfer, ShareTransfer?> change, CancellationToken cancellationToken = default) =>
        UpdateTransferAsync(shareId, transferId, null, change, cancellationToken);

    /// <summary>
    /// Changes and writes a transfer already read, guarded by the ETag it was read with; reads it again only when
    /// another writer got there first. The change returns <c>null</c> to leave the record as it is.
    /// </summary>
    /// <param name="read">The transfer as read, with its ETag.</param>
    /// <param name="change">The change.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer as stored afterwards, or <c>null</c> when it no longer exists.</returns>
    public Task<ShareTransfer?> UpdateTransferAsync(ShareTransfer read, Func<ShareTransfer, ShareTransfer?> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        return UpdateTransferAsync(read.ShareId, read.Id, read, change, cancellationToken);
    }

    private async Task<ShareTransfer?> UpdateTransferAsync(
        string shareId, string transferId, ShareTransfer? read, Func<ShareTransfer, ShareTransfer?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        while (true)
        {
            var current = read ?? await GetTransferAsync(shareId, transferId, cancellationToken);
            read = null;
            if (current is null)
            {
                return null;
            }

            var changed = change(current);
            if (changed is null)
            {
                return current;
            }

            if (await TryReplaceTransferAsync(changed, cancellationToken) is { } stored)
            {
                return stored;
            }
        }
    }

    /// <summary>Whether a string can be a share or transfer id (32 lower-case hex digits).</summary>
    /// <param name="id">The candidate.</param>
    /// <returns><c>true</c> when it has the shape of an id.</returns>
    public static bool IsId(string? id) => id is { Length: 32 } && id.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));

    private static TableEntity ToEntity(Share share)
    {
        var entity = new TableEntity(share.Tenant, share.Id)
        {
            ["Name"] = share.Name,
            ["CreatedAt"] = share.CreatedAt,
            ["Source"] = DurableJson.Serialize(share.Source),
            ["Destination"] = DurableJson.Serialize(share.Destination),
        };
        return entity;
    }

    private static Share ToShare(TableEntity entity) => new(
        entity.RowKey,
        entity.PartitionKey,
        entity.GetString("Name"),
        DurableJson.Deserialize<ShareSource>(entity.GetString("Source"))!,
        DurableJson.Deserialize<ShareDestination>(entity.GetString("Destination")),
        entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue);

    /// <summary>The bytes a transfer's contents take as stored JSON, which <see cref="MaxContentsBytes"/> bounds.</summary>
    /// <param name="contents">The contents.</param>
    /// <returns>The size in bytes.</returns>
    public static int ContentsSize(ShareTransferContents contents) => ShareJson.Serialize(contents).Length;

    /// <summary>Rewrites the guard row if it was read (failing when it changed since), or creates it (failing when another writer did first).</summary>
    private static TableTransactionAction WriteGuard(TableEntity row, ETag? readETag) => readETag is { } etag
        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, etag)
        : new TableTransactionAction(TableTransactionActionType.Add, row);

    /// <summary>The record as stored (errors cut to <see cref="MaxErrorsBytes"/>) and its entity.</summary>
    private static (ShareTransfer Stored, TableEntity Entity) ToEntity(ShareTransfer transfer)
    {
        var stored = transfer with { ETag = null, Errors = FitErrors(transfer.Errors) };
        var entity = new TableEntity(transfer.ShareId, transfer.Id)
        {
            ["Tenant"] = transfer.Tenant,
            ["Status"] = transfer.Status,
            ["CreatedAt"] = transfer.CreatedAt,
        };
        ShareJson.SetParts(entity, ShareJson.Serialize(stored));
        return (stored, entity);
    }

    /// <summary>The leading errors that fit <see cref="MaxErrorsBytes"/>: only errors on very long, escaped paths are cut.</summary>
    private static IReadOnlyList<ShareTransferError> FitErrors(IReadOnlyList<ShareTransferError> errors)
    {
        var size = 0;
        var count = 0;
        while (count < errors.Count && (size += ShareJson.Serialize(errors[count]).Length + 1) <= MaxErrorsBytes)
        {
            count++;
        }

        return count == errors.Count ? errors : [.. errors.Take(count)];
    }

    private static ShareTransfer ToTransfer(TableEntity entity)
    {
        var transfer = ShareJson.ReadParts<ShareTransfer>(entity, legacyPrefix: "Json");

        return transfer! with { ETag = entity.ETag.ToString() };
    }
}
