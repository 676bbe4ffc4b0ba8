using System.Globalization;
using Microsoft.Extensions.Options;
using Transfers.Api.Auth;
using Transfers.Core.DurableTask;
using Transfers.Core.Shares;
using Transfers.Core.Storage;
using Transfers.Core.Telemetry;

namespace Transfers.Api.Shares;

/// <summary>The services the Shares handlers use.</summary>
/// <param name="Store">The share records.</param>
/// <param name="Storage">Decides which storage a tenant may name.</param>
/// <param name="Options">The Shares settings.</param>
/// <param name="Time">The clock.</param>
/// <param name="Services">The request's services, for the durable client.</param>
public sealed record SharesServices(ShareStore Store, StorageAccessPolicy Storage, IOptions<SharesOptions> Options, TimeProvider Time, IServiceProvider Services)
{
    /// <summary>Gets the durable client (resolved when a handler starts or signals an orchestration).</summary>
    public IDurableClient Durable => Services.GetRequiredService<IDurableClient>();
}

/// <summary>
/// The Shares family: shares (a source and a destination) and their transfers. Files transfers keep the destination's
/// <c>latest/</c> folder in sync with the selected source paths every interval; pause, resume, edit and cancel signal the
/// transfer's eternal orchestration.
/// </summary>
public static class SharesApi
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    /// <summary>
    /// Gets the family's paths and error envelope (<c>application/problem+json</c>, the reason phrase as title) for the
    /// errors that arise outside its handlers: <c>/v1/shares</c> lies under Ownership's <c>/v1</c>.
    /// </summary>
    public static FamilyErrorEnvelope Family { get; } = new(
        [new PathString("/v1/shares")],
        (status, message) => Problems.Status(status, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), message));

    /// <summary>Maps the routes under <c>/v1/shares</c>.</summary>
    /// <param name="app">The endpoint route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapSharesApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var shares = app.MapGroup("/v1/shares")
            .RequireTenantKey(_ => Problems.Unauthorized($"A valid tenant key is required in the {ApiKeyAuthenticator.HeaderName} header."))
            .WithTags("Shares");
        shares.MapPost("/", CreateShareAsync);
        shares.MapGet("/", ListSharesAsync);
        shares.MapGet("/{shareId}", GetShareAsync);
        shares.MapPut("/{shareId}/destination", SetDestinationAsync);
        shares.MapDelete("/{shareId}", DeleteShareAsync);
        shares.MapPost("/{shareId}/credentials", IssueCredentialsAsync);
        shares.MapPost("/{shareId}/transfers", CreateTransferAsync);
        shares.MapGet("/{shareId}/transfers", ListTransfersAsync);
        shares.MapGet("/{shareId}/transfers/{transferId}", GetTransferAsync);
        shares.MapPut("/{shareId}/transfers/{transferId}", UpdateTransferAsync);
        shares.MapPost("/{shareId}/transfers/{transferId}/start", StartTransferAsync);
        shares.MapPost("/{shareId}/transfers/{transferId}/pause", PauseTransferAsync);
        shares.MapDelete("/{shareId}/transfers/{transferId}", CancelTransferAsync);
        return shares;
    }

    /// <summary><c>POST /v1/shares</c>: creates a share.</summary>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>201 with the share, 400, or 409 when the tenant holds as many shares as it may.</returns>
    public static async Task<IResult> CreateShareAsync(HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var (body, invalid) = await Problems.ReadBodyAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var parsed = ShareRequestValidator.ReadShare(body, await services.Storage.ForTenantAsync(Tenant(request), cancellationToken), out var errors);
        if (parsed is null)
        {
            return Problems.Validation("The share is invalid.", errors);
        }

        var maxShares = services.Options.Value.MaxSharesPerTenant;
        var share = await services.Store.CreateShareAsync(Tenant(request), parsed.Name, parsed.Source, parsed.Destination, maxShares, cancellationToken);
        return share is null
            ? Problems.Conflict($"A tenant holds at most {maxShares} shares; delete one first.")
            : Json(ShareView(share), StatusCodes.Status201Created, $"/v1/shares/{share.Id}");
    }

    /// <summary><c>GET /v1/shares</c>: the tenant's shares, newest first, paged by <c>limit</c> and <c>cursor</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with <c>{items, next}</c>, or 400.</returns>
    public static async Task<IResult> ListSharesAsync(HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var errors = new Dictionary<string, string[]>();
        var (limit, cursor) = ReadPaging(request, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation("The query is invalid.", errors);
        }

        var shares = await services.Store.ListSharesAsync(Tenant(request), cancellationToken);
        var (page, after) = Page(shares, s => (s.CreatedAt, s.Id), limit, cursor);
        var next = after is null ? null : $"/v1/shares?limit={limit}&cursor={after}";
        return Json(new { items = page.Select(ShareView), next });
    }

    /// <summary><c>GET /v1/shares/{shareId}</c>.</summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the share, or 404.</returns>
    public static async Task<IResult> GetShareAsync(string shareId, HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var share = await services.Store.GetShareAsync(Tenant(request), shareId, cancellationToken);
        return share is null ? ShareNotFound(shareId) : Json(ShareView(share));
    }

    /// <summary><c>PUT /v1/shares/{shareId}/destination</c>: sets or replaces the destination while no transfer runs.</summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the share, 400, 404 or 409.</returns>
    public static async Task<IResult> SetDestinationAsync(string shareId, HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var share = await services.Store.GetShareAsync(Tenant(request), shareId, cancellationToken);
        if (share is null)
        {
            return ShareNotFound(shareId);
        }

        var (body, invalid) = await Problems.ReadBodyAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var storage = await services.Storage.ForTenantAsync(Tenant(request), cancellationToken);
        var destination = ShareRequestValidator.ReadDestination(body, storage, out var errors);
        if (destination is null)
        {
            return Problems.Validation("The destination is invalid.", errors);
        }

        var transfers = await services.Store.ListTransfersAsync(share.Id, cancellationToken);
        if (transfers.FirstOrDefault(t => ShareTransferStatus.IsActive(t.Status)) is { } active)
        {
            return Problems.Conflict($"The destination cannot change while transfer '{active.Id}' is {active.Status}; cancel it first.");
        }

        if (transfers.FirstOrDefault(t => t.Status == ShareTransferStatus.Created && !ShareDestinationKinds.Takes(destination.Kind, t.Contents.Kind)) is { } mismatched)
        {
            return Problems.Conflict($"Transfer '{mismatched.Id}' sends {mismatched.Contents.Kind}, which a {destination.Kind} destination cannot take; cancel it first.");
        }

        // The tables of created transfers were checked against the old destination; they will be written to this one.
        var tableProblems = transfers
            .Where(t => t.Status == ShareTransferStatus.Created && t.Contents.Tables is not null)
            .SelectMany(t => t.Contents.Tables!.Select(table => (t.Id, table.Name, Problem: ShareRequestValidator.DestinationTableProblem(destination, table.Name, storage))))
            .Where(p => p.Problem is not null)
            .Select(p => $"Transfer '{p.Id}', table '{p.Name}': {p.Problem}")
            .ToArray();
        if (tableProblems.Length > 0)
        {
            return Problems.Validation(
                "The destination cannot take the tables of the share's created transfers.",
                new Dictionary<string, string[]> { [destination.Kind == ShareDestinationKinds.Postgres ? "schema" : "tablePrefix"] = tableProblems });
        }

        var updated = share with { Destination = destination };
        return await services.Store.UpdateShareAsync(updated, cancellationToken)
            ? Json(ShareView(updated))
            : ShareNotFound(shareId);
    }

    /// <summary><c>DELETE /v1/shares/{shareId}</c>: deletes a share that has no active transfer.</summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="warehouse">The consumer's access to postgres destinations; a deleted share's role is dropped.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>204, 404 or 409.</returns>
    public static async Task<IResult> DeleteShareAsync(
        string shareId, HttpRequest request, [AsParameters] SharesServices services, ShareWarehouseAccess warehouse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(warehouse);
        var share = await services.Store.GetShareAsync(Tenant(request), shareId, cancellationToken);
        if (share is null)
        {
            return ShareNotFound(shareId);
        }

        if (await services.Store.DeleteShareAsync(share, cancellationToken) is { } active)
        {
            return Problems.Conflict($"The share has an active transfer '{active.Id}' ({active.Status}); cancel it first.");
        }

        await warehouse.DropRoleAsync(share.Destination, share.Id, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// <c>POST /v1/shares/{shareId}/credentials</c>: gives the share's read-only PostgreSQL role a fresh password and
    /// answers it once; it is stored nowhere, and a later call replaces it.
    /// </summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="warehouse">The consumer's access to postgres destinations.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with <c>{role, password, access, schema}</c>, 404, 409 when the destination is not postgres or the server refuses, or 503.</returns>
    public static async Task<IResult> IssueCredentialsAsync(
        string shareId, HttpRequest request, [AsParameters] SharesServices services, ShareWarehouseAccess warehouse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(warehouse);
        var share = await services.Store.GetShareAsync(Tenant(request), shareId, cancellationToken);
        if (share is null)
        {
            return ShareNotFound(shareId);
        }

        if (share.Destination is not { Kind: ShareDestinationKinds.Postgres } destination)
        {
            return Problems.Conflict("Credentials are issued for a postgres destination only; this share has " +
                (share.Destination is null ? "no destination." : $"a {share.Destination.Kind} destination."));
        }

        // The grant may have been withdrawn since the destination was set.
        var storage = await services.Storage.ForTenantAsync(Tenant(request), cancellationToken);
        if (storage.CheckSchema(destination.Connection, destination.Schema ?? string.Empty) is { } denied)
        {
            return Problems.Conflict(denied);
        }

        try
        {
            var issued = await warehouse.RotateAsync(destination, share.Id, cancellationToken);
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            return Json(new { role = issued.Role, password = issued.Password, access = issued.Access, schema = issued.Schema });
        }
        catch (Npgsql.PostgresException e) when (!e.IsTransient)
        {
            // The server refused (the service's login may not create roles, say): the warehouse's setup, not this host's fault.
            return Problems.Conflict($"PostgreSQL refused to set up the share's role: {e.MessageText} ({e.SqlState}).");
        }
        catch (Npgsql.NpgsqlException)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The PostgreSQL server could not be reached; try again later.");
        }
    }

    /// <summary><c>POST /v1/shares/{shareId}/transfers</c>: creates a transfer, and starts it when <c>transferNow</c> is true.</summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>201 with the transfer, 400, 404 or 409.</returns>
    public static async Task<IResult> CreateTransferAsync(string shareId, HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var share = await services.Store.GetShareAsync(Tenant(request), shareId, cancellationToken);
        if (share is null)
        {
            return ShareNotFound(shareId);
        }

        var (body, invalid) = await Problems.ReadBodyAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var parsed = ShareRequestValidator.ReadTransfer(body, share, await services.Storage.ForTenantAsync(Tenant(request), cancellationToken), out var errors);
        if (parsed is null)
        {
            return Problems.Validation("The transfer is invalid.", errors);
        }

        var id = Core.Security.Secrets.NewId();
        var added = await services.Store.AddTransferAsync(
            new ShareTransfer
            {
                Id = id,
                ShareId = share.Id,
                Tenant = share.Tenant,
                Status = ShareTransferStatus.Created,
                Contents = parsed.Contents,
                TransferNow = parsed.TransferNow,
                CreatedAt = services.Time.GetUtcNow(),
                StateKey = id,
            },
            services.Options.Value.MaxTransfersPerShare,
            cancellationToken);
        if (added.Transfer is not { } transfer)
        {
            return Refused(added, shareId, services);
        }

        if (parsed.TransferNow)
        {
            transfer = await StartCreatedAsync(share, transfer, services, cancellationToken) ?? transfer;
        }

        return Json(TransferView(transfer), StatusCodes.Status201Created, $"/v1/shares/{share.Id}/transfers/{transfer.Id}");
    }

    /// <summary><c>GET /v1/shares/{shareId}/transfers</c>: newest first, filtered by <c>status</c>, paged by <c>limit</c> and <c>cursor</c>.</summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with <c>{items, next}</c>, 400 or 404.</returns>
    public static async Task<IResult> ListTransfersAsync(string shareId, HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var share = await services.Store.GetShareAsync(Tenant(request), shareId, cancellationToken);
        if (share is null)
        {
            return ShareNotFound(shareId);
        }

        var errors = new Dictionary<string, string[]>();
        string? status = request.Query["status"];
        if (status is not null && !ShareTransferStatus.All.Contains(status))
        {
            errors["status"] = [$"status must be one of {string.Join(", ", ShareTransferStatus.All)}."];
        }

        var (limit, cursor) = ReadPaging(request, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation("The query is invalid.", errors);
        }

        var transfers = (await services.Store.ListTransfersAsync(share.Id, cancellationToken)).Where(t => status is null || t.Status == status);
        var (page, after) = Page(transfers, t => (t.CreatedAt, t.Id), limit, cursor);
        var next = after is null
            ? null
            : $"/v1/shares/{share.Id}/transfers?limit={limit}&cursor={after}" + (status is null ? string.Empty : $"&status={status}");
        return Json(new { items = page.Select(TransferView), next });
    }

    /// <summary><c>GET /v1/shares/{shareId}/transfers/{transferId}</c>.</summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the transfer, or 404.</returns>
    public static async Task<IResult> GetTransferAsync(string shareId, string transferId, HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (_, transfer, missing) = await FindAsync(shareId, transferId, request, services, cancellationToken);
        return missing ?? Json(TransferView(transfer!));
    }

    /// <summary>
    /// <c>PUT /v1/shares/{shareId}/transfers/{transferId}</c>: updates a created transfer in place; on a paused transfer,
    /// creates the edited transfer that replaces it once started.
    /// </summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 (updated) or 201 (new transfer), 400, 404 or 409.</returns>
    public static async Task<IResult> UpdateTransferAsync(string shareId, string transferId, HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (share, transfer, missing) = await FindAsync(shareId, transferId, request, services, cancellationToken);
        if (missing is not null)
        {
            return missing;
        }

        var (body, invalid) = await Problems.ReadBodyAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var parsed = ShareRequestValidator.ReadTransfer(body, share!, await services.Storage.ForTenantAsync(Tenant(request), cancellationToken), out var errors);
        if (parsed is null)
        {
            return Problems.Validation("The transfer is invalid.", errors);
        }

        switch (transfer!.Status)
        {
            case ShareTransferStatus.Created:
                var updated = await services.Store.TryReplaceTransferAsync(transfer with { Contents = parsed.Contents, TransferNow = parsed.TransferNow }, cancellationToken);
                if (updated is null)
                {
                    return Problems.Conflict("The transfer changed meanwhile; read it again and retry.");
                }

                if (parsed.TransferNow)
                {
                    updated = await StartCreatedAsync(share!, updated, services, cancellationToken) ?? updated;
                }

                return Json(TransferView(updated));
            case ShareTransferStatus.Paused:
                if (parsed.Contents.Kind != transfer.Contents.Kind)
                {
                    return Problems.Validation(
                        "The transfer is invalid.",
                        new Dictionary<string, string[]> { ["transferEntity"] = [$"An edit must keep sending {transfer.Contents.Kind}."] });
                }

                var id = Core.Security.Secrets.NewId();
                var added = await services.Store.AddTransferAsync(
                    new ShareTransfer
                    {
                        Id = id,
                        ShareId = share!.Id,
                        Tenant = share.Tenant,
                        Status = ShareTransferStatus.Created,
                        Contents = parsed.Contents,
                        TransferNow = parsed.TransferNow,
                        CreatedAt = services.Time.GetUtcNow(),
                        Replaces = transfer.Id,
                        StateKey = transfer.StateKey,
                    },
                    services.Options.Value.MaxTransfersPerShare,
                    cancellationToken);
                if (added.Transfer is not { } replacement)
                {
                    return Refused(added, share.Id, services);
                }

                if (parsed.TransferNow)
                {
                    replacement = await StartCreatedAsync(share, replacement, services, cancellationToken) ?? replacement;
                }

                return Json(TransferView(replacement), StatusCodes.Status201Created, $"/v1/shares/{share.Id}/transfers/{replacement.Id}");
            default:
                return Problems.Conflict($"Only a created transfer can be updated, or a paused one edited; this one is {transfer.Status}.");
        }
    }

    /// <summary>
    /// <c>POST .../start</c>: starts a created transfer or resumes a paused one; for a transfer whose record says it runs
    /// while its orchestration does not (the host stopped in the middle of a start), schedules the orchestration again.
    /// </summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>202 with the transfer, 400, 404 or 409.</returns>
    public static async Task<IResult> StartTransferAsync(string shareId, string transferId, HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (share, transfer, missing) = await FindAsync(shareId, transferId, request, services, cancellationToken);
        if (missing is not null)
        {
            return missing;
        }

        switch (transfer!.Status)
        {
            case ShareTransferStatus.Created:
                if (share!.Destination is null)
                {
                    return Problems.Validation(
                        "The transfer cannot start.", new Dictionary<string, string[]> { ["destination"] = ["Set the share's destination first."] });
                }

                if (!ShareDestinationKinds.Takes(share.Destination.Kind, transfer.Contents.Kind))
                {
                    return Problems.Validation(
                        "The transfer cannot start.",
                        new Dictionary<string, string[]> { ["transferEntity"] = [$"The transfer sends {transfer.Contents.Kind} but the destination is a {share.Destination.Kind} destination."] });
                }

                var started = await StartCreatedAsync(share, transfer, services, cancellationToken);
                return started is null
                    ? Problems.Conflict("The transfer cannot start: the transfer it replaces is no longer paused, or the transfer changed meanwhile.")
                    : Json(TransferView(started), StatusCodes.Status202Accepted);
            case ShareTransferStatus.Paused:
                var resumed = await services.Store.TryReplaceTransferAsync(transfer with { Status = ShareTransferStatus.Syncing }, cancellationToken);
                if (resumed is null)
                {
                    return Problems.Conflict("The transfer changed meanwhile; read it again and retry.");
                }

                // Scheduled here, the orchestration runs a check at once; already running, it waits for the event.
                if (!await TryScheduleAsync(resumed, services, cancellationToken))
                {
                    await SignalAsync(transfer.Id, ShareEvents.Resume, new ResumeShareTransfer(services.Time.GetUtcNow()), services, cancellationToken);
                }

                return Json(TransferView(resumed), StatusCodes.Status202Accepted);
            default:
                // A record that says the transfer runs while nothing does (the host stopped between a start's record and
                // its orchestration, or the orchestration ended abnormally) gets its orchestration again.
                return ShareTransferStatus.IsRunnable(transfer.Status) && await TryScheduleAsync(transfer, services, cancellationToken)
                    ? Json(TransferView(transfer), StatusCodes.Status202Accepted)
                    : Problems.Conflict($"Only a created transfer can start, or a paused one resume; this one is {transfer.Status}.");
        }
    }

    /// <summary><c>POST .../pause</c>: pauses an automated transfer; nothing is copied or deleted until it resumes.</summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>202 with the transfer, 404 or 409.</returns>
    public static async Task<IResult> PauseTransferAsync(string shareId, string transferId, HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (_, transfer, missing) = await FindAsync(shareId, transferId, request, services, cancellationToken);
        if (missing is not null)
        {
            return missing;
        }

        if (!ShareTransferStatus.IsRunnable(transfer!.Status))
        {
            return Problems.Conflict($"Only a running transfer (sending, syncing, synced or failed) can be paused; this one is {transfer.Status}.");
        }

        // No check is due while paused: the completion of a check that was running keeps the record's null.
        var paused = await services.Store.TryReplaceTransferAsync(transfer with { Status = ShareTransferStatus.Paused, NextSyncAt = null }, cancellationToken);
        if (paused is null)
        {
            return Problems.Conflict("The transfer changed meanwhile; read it again and retry.");
        }

        await SignalAsync(transfer.Id, ShareEvents.Pause, new PauseShareTransfer(services.Time.GetUtcNow()), services, cancellationToken);
        return Json(TransferView(paused), StatusCodes.Status202Accepted);
    }

    /// <summary><c>DELETE .../transfers/{transferId}</c>: cancels a transfer for good.</summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>202 with the transfer, 404 or 409.</returns>
    public static async Task<IResult> CancelTransferAsync(string shareId, string transferId, HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (_, transfer, missing) = await FindAsync(shareId, transferId, request, services, cancellationToken);
        if (missing is not null)
        {
            return missing;
        }

        if (ShareTransferStatus.IsFinal(transfer!.Status))
        {
            return Problems.Conflict($"The transfer has already ended; it is {transfer.Status}.");
        }

        var canceled = await services.Store.TryReplaceTransferAsync(transfer with { Status = ShareTransferStatus.Canceled, NextSyncAt = null }, cancellationToken);
        if (canceled is null)
        {
            return Problems.Conflict("The transfer changed meanwhile; read it again and retry.");
        }

        TransfersTelemetry.RecordEnded(TransfersTelemetry.Shares, ShareTransferStatus.Canceled);
        if (transfer.Status != ShareTransferStatus.Created)
        {
            await SignalAsync(transfer.Id, ShareEvents.Cancel, new CancelShareTransfer(services.Time.GetUtcNow(), null), services, cancellationToken);
        }

        return Json(TransferView(canceled), StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Starts a created transfer: for an edit, marks the replaced (paused) transfer superseded and ends its orchestration,
    /// then schedules this one's, which inherits the per-file state and so copies only what changed.
    /// </summary>
    private static async Task<ShareTransfer?> StartCreatedAsync(Share share, ShareTransfer transfer, SharesServices services, CancellationToken cancellationToken)
    {
        ShareTransfer? replaced = null;
        if (transfer.Replaces is { } replacedId)
        {
            replaced = await services.Store.UpdateTransferAsync(
                share.Id,
                replacedId,
                t => t.Status == ShareTransferStatus.Paused ? t with { Status = ShareTransferStatus.Superseded, SupersededBy = transfer.Id, NextSyncAt = null } : null,
                cancellationToken);
            if (replaced is null || replaced.SupersededBy != transfer.Id)
            {
                return null;
            }

            await SignalAsync(replacedId, ShareEvents.Cancel, new CancelShareTransfer(services.Time.GetUtcNow(), transfer.Id), services, cancellationToken);
        }

        // The destination is fixed at the start; a replacement keeps its predecessor's, where the files already are.
        var started = await services.Store.TryReplaceTransferAsync(
            transfer with
            {
                Status = replaced is null ? ShareTransferStatus.Sending : ShareTransferStatus.Syncing,
                StartedAt = services.Time.GetUtcNow(),
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

        await TryScheduleAsync(started, services, cancellationToken);
        return started;
    }

    /// <summary>Schedules the orchestration of a transfer whose record says it runs, unless one runs already.</summary>
    private static Task<bool> TryScheduleAsync(ShareTransfer transfer, SharesServices services, CancellationToken cancellationToken) =>
        ShareSyncOrchestration.TryScheduleAsync(services.Durable, transfer, services.Options.Value.SyncInterval, cancellationToken);

    /// <summary>Tells a transfer's orchestration what its record, written first, now says.</summary>
    private static async Task SignalAsync(string transferId, string eventName, object payload, SharesServices services, CancellationToken cancellationToken)
    {
        try
        {
            await services.Durable.RaiseEventAsync(ShareSyncOrchestration.InstanceId(transferId), eventName, payload, cancellationToken);
        }
        catch (InstanceNotFoundException)
        {
            // Nothing runs for it: it never started, was purged, or a start that just wrote its record is scheduling
            // it. The record alone says what holds; the orchestration reads it at every check, from its first.
        }
    }

    /// <summary>Reads <c>limit</c> and <c>cursor</c>, adding an error for each that is malformed.</summary>
    private static (int Limit, ListCursor? Cursor) ReadPaging(HttpRequest request, Dictionary<string, string[]> errors)
    {
        var limit = DefaultPageSize;
        if (request.Query["limit"] is { Count: > 0 } limitText &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPageSize))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {MaxPageSize}."];
        }

        string? cursorText = request.Query["cursor"];
        var cursor = ListCursor.Parse(cursorText);
        if (cursorText is not null && cursor is null)
        {
            errors["cursor"] = ["cursor must be the value of a previous page's next link."];
        }

        return (limit, cursor);
    }

    /// <summary>
    /// The page after the cursor of a list in the listing order, and the cursor of the next page (<c>null</c> on the
    /// last). The cursor is a position in the order, not an item to look for: a page goes on after it whatever became
    /// of the items already listed (a status that changed, a filter that no longer matches them, a share deleted).
    /// </summary>
    private static (List<T> Page, string? Next) Page<T>(IEnumerable<T> ordered, Func<T, (DateTimeOffset CreatedAt, string Id)> position, int limit, ListCursor? cursor)
    {
        var rest = ordered.Where(item => cursor is null || cursor.Precedes(position(item))).Take(limit + 1).ToList();
        var page = rest.Take(limit).ToList();
        return (page, rest.Count > limit ? ListCursor.After(position(page[^1])) : null);
    }

    private static IResult LimitReached(SharesServices services) => Problems.Conflict(
        $"A share holds at most {services.Options.Value.MaxTransfersPerShare} transfers that are not canceled or superseded; cancel one first.");

    private static async Task<(Share? Share, ShareTransfer? Transfer, IResult? Missing)> FindAsync(
        string shareId, string transferId, HttpRequest request, SharesServices services, CancellationToken cancellationToken)
    {
        var share = await services.Store.GetShareAsync(Tenant(request), shareId, cancellationToken);
        if (share is null)
        {
            return (null, null, ShareNotFound(shareId));
        }

        var transfer = await services.Store.GetTransferAsync(share.Id, transferId, cancellationToken);
        return transfer is null
            ? (share, null, Problems.NotFound($"The share has no transfer '{transferId}'."))
            : (share, transfer, null);
    }

    private static string Tenant(HttpRequest request) => CallerIdentity.Of(request.HttpContext).Tenant;

    /// <summary>Why a transfer was not added: its share is gone (404) or full (409).</summary>
    private static IResult Refused(TransferAddResult added, string shareId, SharesServices services) =>
        added.ShareDeleted ? ShareNotFound(shareId) : LimitReached(services);

    private static IResult ShareNotFound(string shareId) => Problems.NotFound($"No share '{shareId}' exists.");

    private static JsonWithLocation Json(object value, int status = StatusCodes.Status200OK, string? location = null) =>
        new JsonWithLocation(value, status, location);

    private static object ShareView(Share share) => new
    {
        id = share.Id,
        name = share.Name,
        source = share.Source,
        destination = share.Destination,
        createdAt = share.CreatedAt,
    };

    private static object TransferView(ShareTransfer t) => new
    {
        id = t.Id,
        shareId = t.ShareId,
        status = t.Status,
        transferEntity = t.Contents.Kind == ShareDestinationKinds.Files
            ? new { type = "files", pathNames = t.Contents.PathNames } as object
            : (t.Contents.Tables ?? []).Select(table => new
            {
                type = "table",
                name = table.Name,
                sourceTable = table.SourceTable,
                loadingPattern = table.LoadingPattern,
                primaryKey = table.PrimaryKey,
                fileType = table.FileType,
            }),
        options = new { transferNow = t.TransferNow },
        createdAt = t.CreatedAt,
        startedAt = t.StartedAt,
        nextSyncAt = t.NextSyncAt,
        progress = t.Progress,
        lastSync = t.LastSync,
        errors = t.Errors,
        accessDetails = t.AccessDetails,
        replaces = t.Replaces,
        supersededBy = t.SupersededBy,
    };

    /// <summary>
    /// A position in the listing order of shares and of transfers (newest first: <c>createdAt</c>, then id, both
    /// descending), written as <c>{createdAt ticks}-{id}</c>.
    /// </summary>
    private sealed record ListCursor(long CreatedAtTicks, string Id)
    {
        public static string After((DateTimeOffset CreatedAt, string Id) last) => string.Create(CultureInfo.InvariantCulture, $"{last.CreatedAt.UtcTicks}-{last.Id}");

        public static ListCursor? Parse(string? text) =>
            text?.Split('-') is [var ticks, var id] &&
            long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= DateTimeOffset.MaxValue.UtcTicks &&
            ShareStore.IsId(id)
                ? new ListCursor(value, id)
                : null;

        /// <summary>Whether a share or transfer at this position in the order comes after the cursor.</summary>
        public bool Precedes((DateTimeOffset CreatedAt, string Id) item) =>
            item.CreatedAt.UtcTicks < CreatedAtTicks ||
            (item.CreatedAt.UtcTicks == CreatedAtTicks && string.CompareOrdinal(item.Id, Id) < 0);
    }

    /// <summary>JSON in the durable convention (camelCase, nulls left out), with a status and an optional Location.</summary>
    private sealed class JsonWithLocation(object value, int status, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (location is not null)
            {
                httpContext.Response.Headers.Location = location;
            }

            await httpContext.Response.WriteAsJsonAsync(value, value.GetType(), DurableJson.Options, contentType: "application/json", httpContext.RequestAborted);
        }
    }
}
