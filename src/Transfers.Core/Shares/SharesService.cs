using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Transfers.Core.Application;
using Transfers.Core.DurableTask;
using Transfers.Core.Security;
using Transfers.Core.Storage;
using Transfers.Core.Telemetry;

namespace Transfers.Core.Shares;

/// <summary>A transfer found in a share of the caller's tenant.</summary>
/// <param name="Share">The share.</param>
/// <param name="Transfer">The transfer.</param>
public sealed record ShareTransferFound(Share Share, ShareTransfer Transfer);

/// <summary>What an update of a transfer left: the transfer changed in place, or the new transfer that replaces it.</summary>
/// <param name="Transfer">The updated or new transfer.</param>
/// <param name="Created">Whether it is a new transfer (an edit of a paused one).</param>
public sealed record ShareTransferUpdate(ShareTransfer Transfer, bool Created);

/// <summary>
/// The Shares family's use cases, without HTTP: shares and their destinations, transfers and their edits, and the
/// start, resume, pause and cancel of a transfer's eternal orchestration. A transfer's record is written first and its
/// orchestration told afterwards (scheduled, or signalled with an event): the orchestration reads the record at every
/// check, so a lost event changes nothing the record does not already say. Every method acts within the caller's tenant.
/// </summary>
public sealed class SharesService
{
    private readonly ShareStore _store;
    private readonly StorageAccessPolicy _storage;
    private readonly IDurableClient _durable;
    private readonly TimeProvider _time;
    private readonly IOptions<SharesOptions> _options;
    private readonly ShareWarehouseAccess _warehouse;

    /// <summary>Initializes a new instance of the <see cref="SharesService"/> class.</summary>
    /// <param name="store">The share records.</param>
    /// <param name="storage">Decides which storage a tenant may name.</param>
    /// <param name="durable">Schedules and signals the transfers' orchestrations.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">The family's settings.</param>
    /// <param name="warehouse">The consumer's access to postgres destinations: the share's read-only role.</param>
    public SharesService(
        ShareStore store, StorageAccessPolicy storage, IDurableClient durable, TimeProvider time, IOptions<SharesOptions> options, ShareWarehouseAccess warehouse)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(warehouse);
        _store = store;
        _storage = storage;
        _durable = durable;
        _time = time;
        _options = options;
        _warehouse = warehouse;
    }

    /// <summary>Creates a share unless the tenant holds as many as it may.</summary>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="body">The request body.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new share; invalid (<see cref="ShareInvalid.Share"/>), or conflict when the tenant is full.</returns>
    public async Task<ServiceResult<Share>> CreateShareAsync(string tenant, JsonElement body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var parsed = ShareRequestValidator.ReadShare(body, await _storage.ForTenantAsync(tenant, cancellationToken), out var errors);
        if (parsed is null)
        {
            return Invalid(ShareInvalid.Share, errors);
        }

        var maxShares = _options.Value.MaxSharesPerTenant;
        var share = await _store.CreateShareAsync(tenant, parsed.Name, parsed.Source, parsed.Destination, maxShares, cancellationToken);
        return share is null
            ? ServiceResult.Conflict($"A tenant holds at most {maxShares} shares; delete one first.")
            : ServiceResult.Ok(share);
    }

    /// <summary>One page of the tenant's shares, newest first.</summary>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="limit">The most shares of the page.</param>
    /// <param name="cursor">Where the previous page stopped; <c>null</c> for the first.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page.</returns>
    public async Task<ServiceResult<SharePage<Share>>> ListSharesAsync(string tenant, int limit, ShareListCursor? cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var shares = await _store.ListSharesAsync(tenant, cancellationToken);
        return ServiceResult.Ok(ShareListCursor.Page(shares, s => (s.CreatedAt, s.Id), limit, cursor));
    }

    /// <summary>Reads a share of the tenant.</summary>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The share, or not found.</returns>
    public async Task<ServiceResult<Share>> GetShareAsync(string tenant, string shareId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(shareId);
        var share = await _store.GetShareAsync(tenant, shareId, cancellationToken);
        return share is null ? ShareNotFound(shareId) : ServiceResult.Ok(share);
    }

    /// <summary>
    /// Sets or replaces a share's destination while no transfer runs. The share's created transfers must be able to
    /// go there: their kind must suit it, and their tables were checked against the old destination.
    /// </summary>
    /// <param name="share">The share, as <see cref="GetShareAsync"/> found it.</param>
    /// <param name="body">The request body.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The updated share; invalid (<see cref="ShareInvalid.Destination"/> or <see cref="ShareInvalid.DestinationTables"/>),
    /// conflict while a transfer is active or a created one sends another kind, or not found when deleted meanwhile.</returns>
    public async Task<ServiceResult<Share>> SetDestinationAsync(Share share, JsonElement body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(share);
        var storage = await _storage.ForTenantAsync(share.Tenant, cancellationToken);
        var destination = ShareRequestValidator.ReadDestination(body, storage, out var errors);
        if (destination is null)
        {
            return Invalid(ShareInvalid.Destination, errors);
        }

        var transfers = await _store.ListTransfersAsync(share.Id, cancellationToken);
        if (transfers.FirstOrDefault(t => ShareTransferStatus.IsActive(t.Status)) is { } active)
        {
            return ServiceResult.Conflict($"The destination cannot change while transfer '{active.Id}' is {active.Status}; cancel it first.");
        }

        if (transfers.FirstOrDefault(t => t.Status == ShareTransferStatus.Created && !ShareDestinationKinds.Takes(destination.Kind, t.Contents.Kind)) is { } mismatched)
        {
            return ServiceResult.Conflict($"Transfer '{mismatched.Id}' sends {mismatched.Contents.Kind}, which a {destination.Kind} destination cannot take; cancel it first.");
        }

        // The tables of created transfers were checked against the old destination; they will be written to this one.
        var field = destination.Kind == ShareDestinationKinds.Postgres ? "schema" : "tablePrefix";
        var tableProblems = transfers
            .Where(t => t.Status == ShareTransferStatus.Created && t.Contents.Tables is not null)
            .SelectMany(t => t.Contents.Tables!.Select(table => (t.Id, table.Name, Problem: ShareRequestValidator.DestinationTableProblem(destination, table.Name, storage))))
            .Where(p => p.Problem is not null)
            .Select(p => new FieldError(ShareInvalid.DestinationTables, $"Transfer '{p.Id}', table '{p.Name}': {p.Problem}", field))
            .ToList();
        if (tableProblems.Count > 0)
        {
            return ServiceResult.Invalid(tableProblems);
        }

        var updated = share with { Destination = destination };
        return await _store.UpdateShareAsync(updated, cancellationToken)
            ? ServiceResult.Ok(updated)
            : ShareNotFound(share.Id);
    }

    /// <summary>Deletes a share that has no active transfer, with its transfer records and, for a postgres destination, its role.</summary>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Ok; not found, or conflict while a transfer is active.</returns>
    public async Task<ServiceResult> DeleteShareAsync(string tenant, string shareId, CancellationToken cancellationToken = default)
    {
        var found = await GetShareAsync(tenant, shareId, cancellationToken);
        if (!found.IsOk)
        {
            return found.Status;
        }

        var share = found.Value!;
        if (await _store.DeleteShareAsync(share, cancellationToken) is { } active)
        {
            return ServiceResult.Conflict($"The share has an active transfer '{active.Id}' ({active.Status}); cancel it first.");
        }

        await _warehouse.DropRoleAsync(share.Destination, share.Id, cancellationToken);
        return ServiceResult.Ok();
    }

    /// <summary>
    /// Gives the share's read-only PostgreSQL role a fresh password, to be answered once: it is stored nowhere, and a
    /// later call replaces it.
    /// </summary>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The credentials; not found, or conflict when the destination is not postgres, its grant was withdrawn,
    /// or the server refuses to set up the role.</returns>
    /// <exception cref="NpgsqlException">The server could not be reached (or failed transiently).</exception>
    public async Task<ServiceResult<ShareCredentials>> IssueCredentialsAsync(string tenant, string shareId, CancellationToken cancellationToken = default)
    {
        var found = await GetShareAsync(tenant, shareId, cancellationToken);
        if (!found.IsOk)
        {
            return found.Status;
        }

        var share = found.Value!;
        if (share.Destination is not { Kind: ShareDestinationKinds.Postgres } destination)
        {
            return ServiceResult.Conflict("Credentials are issued for a postgres destination only; this share has " +
                (share.Destination is null ? "no destination." : $"a {share.Destination.Kind} destination."));
        }

        // The grant may have been withdrawn since the destination was set.
        var storage = await _storage.ForTenantAsync(tenant, cancellationToken);
        if (storage.CheckSchema(destination.Connection, destination.Schema ?? string.Empty) is { } denied)
        {
            return ServiceResult.Conflict(denied);
        }

        try
        {
            return ServiceResult.Ok(await _warehouse.RotateAsync(destination, share.Id, cancellationToken));
        }
        catch (PostgresException e) when (!e.IsTransient)
        {
            // The server refused (the service's login may not create roles, say): the warehouse's setup, not this host's fault.
            return ServiceResult.Conflict($"PostgreSQL refused to set up the share's role: {e.MessageText} ({e.SqlState}).");
        }
    }

    /// <summary>Creates a transfer of a share, and starts it when the request says <c>transferNow</c>.</summary>
    /// <param name="share">The share, as <see cref="GetShareAsync"/> found it.</param>
    /// <param name="body">The request body.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new transfer (started, when asked and it could be); invalid (<see cref="ShareInvalid.Transfer"/>),
    /// not found when the share was deleted meanwhile, or conflict when the share holds as many transfers as it may.</returns>
    public async Task<ServiceResult<ShareTransfer>> CreateTransferAsync(Share share, JsonElement body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(share);
        var parsed = ShareRequestValidator.ReadTransfer(body, share, await _storage.ForTenantAsync(share.Tenant, cancellationToken), out var errors);
        if (parsed is null)
        {
            return Invalid(ShareInvalid.Transfer, errors);
        }

        var id = Secrets.NewId();
        return await AddTransferAsync(share, parsed, id, replaces: null, stateKey: id, cancellationToken);
    }

    /// <summary>One page of a share's transfers, newest first, optionally of one status.</summary>
    /// <param name="share">The share, as <see cref="GetShareAsync"/> found it.</param>
    /// <param name="status">The status to list; <c>null</c> for all.</param>
    /// <param name="limit">The most transfers of the page.</param>
    /// <param name="cursor">Where the previous page stopped; <c>null</c> for the first.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page.</returns>
    public async Task<ServiceResult<SharePage<ShareTransfer>>> ListTransfersAsync(
        Share share, string? status, int limit, ShareListCursor? cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(share);
        var transfers = (await _store.ListTransfersAsync(share.Id, cancellationToken)).Where(t => status is null || t.Status == status);
        return ServiceResult.Ok(ShareListCursor.Page(transfers, t => (t.CreatedAt, t.Id), limit, cursor));
    }

    /// <summary>Reads a transfer of a share of the tenant.</summary>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The share and the transfer, or not found (the share, or the transfer in it).</returns>
    public async Task<ServiceResult<ShareTransferFound>> GetTransferAsync(string tenant, string shareId, string transferId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transferId);
        var share = await GetShareAsync(tenant, shareId, cancellationToken);
        if (!share.IsOk)
        {
            return share.Status;
        }

        var transfer = await _store.GetTransferAsync(share.Value!.Id, transferId, cancellationToken);
        return transfer is null
            ? ServiceResult.NotFound($"The share has no transfer '{transferId}'.")
            : ServiceResult.Ok(new ShareTransferFound(share.Value, transfer));
    }

    /// <summary>
    /// Updates a created transfer in place (and starts it when the request says <c>transferNow</c>); for a paused one,
    /// creates the edited transfer that replaces it once started, keeping its per-file state so that only what changed
    /// is copied.
    /// </summary>
    /// <param name="found">The transfer, as <see cref="GetTransferAsync"/> found it.</param>
    /// <param name="body">The request body.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The updated or new transfer; invalid (<see cref="ShareInvalid.Transfer"/>), conflict for another status
    /// or a record changed meanwhile, not found when the share was deleted meanwhile.</returns>
    public async Task<ServiceResult<ShareTransferUpdate>> UpdateTransferAsync(ShareTransferFound found, JsonElement body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(found);
        var (share, transfer) = found;
        var parsed = ShareRequestValidator.ReadTransfer(body, share, await _storage.ForTenantAsync(share.Tenant, cancellationToken), out var errors);
        if (parsed is null)
        {
            return Invalid(ShareInvalid.Transfer, errors);
        }

        switch (transfer.Status)
        {
            case ShareTransferStatus.Created:
                var updated = await _store.TryReplaceTransferAsync(transfer with { Contents = parsed.Contents, TransferNow = parsed.TransferNow }, cancellationToken);
                if (updated is null)
                {
                    return ChangedMeanwhile();
                }

                if (parsed.TransferNow)
                {
                    updated = await StartCreatedAsync(share, updated, cancellationToken) ?? updated;
                }

                return ServiceResult.Ok(new ShareTransferUpdate(updated, Created: false));
            case ShareTransferStatus.Paused:
                if (parsed.Contents.Kind != transfer.Contents.Kind)
                {
                    return ServiceResult.Invalid(ShareInvalid.Transfer, $"An edit must keep sending {transfer.Contents.Kind}.", "transferEntity");
                }

                var replacement = await AddTransferAsync(share, parsed, Secrets.NewId(), replaces: transfer.Id, stateKey: transfer.StateKey, cancellationToken);
                return replacement.IsOk ? ServiceResult.Ok(new ShareTransferUpdate(replacement.Value!, Created: true)) : replacement.Status;
            default:
                return ServiceResult.Conflict($"Only a created transfer can be updated, or a paused one edited; this one is {transfer.Status}.");
        }
    }

    /// <summary>
    /// Starts a created transfer or resumes a paused one; for a transfer whose record says it runs while its
    /// orchestration does not (the host stopped in the middle of a start), schedules the orchestration again.
    /// </summary>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer as recorded; not found, invalid (<see cref="ShareInvalid.Start"/>) when the destination is
    /// missing or of another kind, or conflict for another status or a record changed meanwhile.</returns>
    public async Task<ServiceResult<ShareTransfer>> StartTransferAsync(string tenant, string shareId, string transferId, CancellationToken cancellationToken = default)
    {
        var found = await GetTransferAsync(tenant, shareId, transferId, cancellationToken);
        if (!found.IsOk)
        {
            return found.Status;
        }

        var (share, transfer) = found.Value!;
        switch (transfer.Status)
        {
            case ShareTransferStatus.Created:
                if (share.Destination is null)
                {
                    return ServiceResult.Invalid(ShareInvalid.Start, "Set the share's destination first.", "destination");
                }

                if (!ShareDestinationKinds.Takes(share.Destination.Kind, transfer.Contents.Kind))
                {
                    return ServiceResult.Invalid(
                        ShareInvalid.Start, $"The transfer sends {transfer.Contents.Kind} but the destination is a {share.Destination.Kind} destination.", "transferEntity");
                }

                var started = await StartCreatedAsync(share, transfer, cancellationToken);
                return started is null
                    ? ServiceResult.Conflict("The transfer cannot start: the transfer it replaces is no longer paused, or the transfer changed meanwhile.")
                    : ServiceResult.Ok(started);
            case ShareTransferStatus.Paused:
                var resumed = await _store.TryReplaceTransferAsync(transfer with { Status = ShareTransferStatus.Syncing }, cancellationToken);
                if (resumed is null)
                {
                    return ChangedMeanwhile();
                }

                // Scheduled here, the orchestration runs a check at once; already running, it waits for the event.
                if (!await TryScheduleAsync(resumed, cancellationToken))
                {
                    await SignalAsync(transfer.Id, ShareEvents.Resume, new ResumeShareTransfer(_time.GetUtcNow()), cancellationToken);
                }

                return ServiceResult.Ok(resumed);
            default:
                // A record that says the transfer runs while nothing does (the host stopped between a start's record and
                // its orchestration, or the orchestration ended abnormally) gets its orchestration again.
                return ShareTransferStatus.IsRunnable(transfer.Status) && await TryScheduleAsync(transfer, cancellationToken)
                    ? ServiceResult.Ok(transfer)
                    : ServiceResult.Conflict($"Only a created transfer can start, or a paused one resume; this one is {transfer.Status}.");
        }
    }

    /// <summary>Pauses a running transfer: the record first, then the event; nothing is copied or deleted until it resumes.</summary>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The paused transfer; not found, or conflict when it does not run or changed meanwhile.</returns>
    public async Task<ServiceResult<ShareTransfer>> PauseTransferAsync(string tenant, string shareId, string transferId, CancellationToken cancellationToken = default)
    {
        var found = await GetTransferAsync(tenant, shareId, transferId, cancellationToken);
        if (!found.IsOk)
        {
            return found.Status;
        }

        var transfer = found.Value!.Transfer;
        if (!ShareTransferStatus.IsRunnable(transfer.Status))
        {
            return ServiceResult.Conflict($"Only a running transfer (sending, syncing, synced or failed) can be paused; this one is {transfer.Status}.");
        }

        // No check is due while paused: the completion of a check that was running keeps the record's null.
        var paused = await _store.TryReplaceTransferAsync(transfer with { Status = ShareTransferStatus.Paused, NextSyncAt = null }, cancellationToken);
        if (paused is null)
        {
            return ChangedMeanwhile();
        }

        await SignalAsync(transfer.Id, ShareEvents.Pause, new PauseShareTransfer(_time.GetUtcNow()), cancellationToken);
        return ServiceResult.Ok(paused);
    }

    /// <summary>Cancels a transfer for good: the record first, then the event to an orchestration that may run.</summary>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The canceled transfer; not found, or conflict when it has ended or changed meanwhile.</returns>
    public async Task<ServiceResult<ShareTransfer>> CancelTransferAsync(string tenant, string shareId, string transferId, CancellationToken cancellationToken = default)
    {
        var found = await GetTransferAsync(tenant, shareId, transferId, cancellationToken);
        if (!found.IsOk)
        {
            return found.Status;
        }

        var transfer = found.Value!.Transfer;
        if (ShareTransferStatus.IsFinal(transfer.Status))
        {
            return ServiceResult.Conflict($"The transfer has already ended; it is {transfer.Status}.");
        }

        var canceled = await _store.TryReplaceTransferAsync(transfer with { Status = ShareTransferStatus.Canceled, NextSyncAt = null }, cancellationToken);
        if (canceled is null)
        {
            return ChangedMeanwhile();
        }

        TransfersTelemetry.RecordEnded(TransfersTelemetry.Shares, ShareTransferStatus.Canceled);
        if (transfer.Status != ShareTransferStatus.Created)
        {
            await SignalAsync(transfer.Id, ShareEvents.Cancel, new CancelShareTransfer(_time.GetUtcNow(), null), cancellationToken);
        }

        return ServiceResult.Ok(canceled);
    }

    /// <summary>
    /// Adds a created transfer (new, or the edit of a paused one) unless the share is full or gone, and starts it when
    /// the request says <c>transferNow</c>.
    /// </summary>
    private async Task<ServiceResult<ShareTransfer>> AddTransferAsync(
        Share share, TransferRequest parsed, string id, string? replaces, string stateKey, CancellationToken cancellationToken)
    {
        var maxTransfers = _options.Value.MaxTransfersPerShare;
        var added = await _store.AddTransferAsync(
            new ShareTransfer
            {
                Id = id,
                ShareId = share.Id,
                Tenant = share.Tenant,
                Status = ShareTransferStatus.Created,
                Contents = parsed.Contents,
                TransferNow = parsed.TransferNow,
                CreatedAt = _time.GetUtcNow(),
                Replaces = replaces,
                StateKey = stateKey,
            },
            maxTransfers,
            cancellationToken);
        if (added.Transfer is not { } transfer)
        {
            return added.ShareDeleted
                ? ShareNotFound(share.Id)
                : ServiceResult.Conflict($"A share holds at most {maxTransfers} transfers that are not canceled or superseded; cancel one first.");
        }

        if (parsed.TransferNow)
        {
            transfer = await StartCreatedAsync(share, transfer, cancellationToken) ?? transfer;
        }

        return ServiceResult.Ok(transfer);
    }

    /// <summary>
    /// Starts a created transfer: for an edit, marks the replaced (paused) transfer superseded and ends its orchestration,
    /// then schedules this one's, which inherits the per-file state and so copies only what changed.
    /// </summary>
    /// <returns>The started transfer, or <c>null</c> when the replaced one is no longer paused or this one changed meanwhile.</returns>
    private async Task<ShareTransfer?> StartCreatedAsync(Share share, ShareTransfer transfer, CancellationToken cancellationToken)
    {
        ShareTransfer? replaced = null;
        if (transfer.Replaces is { } replacedId)
        {
            replaced = await _store.UpdateTransferAsync(
                share.Id,
                replacedId,
                t => t.Status == ShareTransferStatus.Paused ? t with { Status = ShareTransferStatus.Superseded, SupersededBy = transfer.Id, NextSyncAt = null } : null,
                cancellationToken);
            if (replaced is null || replaced.SupersededBy != transfer.Id)
            {
                return null;
            }

            await SignalAsync(replacedId, ShareEvents.Cancel, new CancelShareTransfer(_time.GetUtcNow(), transfer.Id), cancellationToken);
        }

        // The destination is fixed at the start; a replacement keeps its predecessor's, where the files already are.
        var started = await _store.TryReplaceTransferAsync(
            transfer with
            {
                Status = replaced is null ? ShareTransferStatus.Sending : ShareTransferStatus.Syncing,
                StartedAt = _time.GetUtcNow(),
                AccessDetails = replaced?.AccessDetails,
                Destination = replaced?.DestinationIn(share) ?? share.Destination,
            },
            cancellationToken);
        if (started is null)
        {
            return null;
        }

        TransfersTelemetry.RecordStarted(TransfersTelemetry.Shares);
        if (replaced is not null)
        {
            TransfersTelemetry.RecordEnded(TransfersTelemetry.Shares, ShareTransferStatus.Superseded);
        }

        await TryScheduleAsync(started, cancellationToken);
        return started;
    }

    /// <summary>Schedules the orchestration of a transfer whose record says it runs, unless one runs already.</summary>
    private Task<bool> TryScheduleAsync(ShareTransfer transfer, CancellationToken cancellationToken) =>
        ShareSyncOrchestration.TryScheduleAsync(_durable, transfer, _options.Value.SyncInterval, cancellationToken);

    /// <summary>Tells a transfer's orchestration what its record, written first, now says.</summary>
    private async Task SignalAsync(string transferId, string eventName, object payload, CancellationToken cancellationToken)
    {
        try
        {
            await _durable.RaiseEventAsync(ShareSyncOrchestration.InstanceId(transferId), eventName, payload, cancellationToken);
        }
        catch (InstanceNotFoundException)
        {
            // Nothing runs for it: it never started, was purged, or a start that just wrote its record is scheduling
            // it. The record alone says what holds; the orchestration reads it at every check, from its first.
        }
    }

    private static ServiceResult ShareNotFound(string shareId) => ServiceResult.NotFound($"No share '{shareId}' exists.");

    private static ServiceResult ChangedMeanwhile() => ServiceResult.Conflict("The transfer changed meanwhile; read it again and retry.");

    /// <summary>The validator's broken rules, by field, as the field errors of an invalid result.</summary>
    private static ServiceResult Invalid(string code, Dictionary<string, string[]> errors) =>
        ServiceResult.Invalid([.. errors.SelectMany(e => e.Value.Select(message => new FieldError(code, message, e.Key)))]);
}
