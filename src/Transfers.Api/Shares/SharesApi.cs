using System.Text.Json;
using Transfers.Api.Auth;
using Transfers.Core.Application;
using Transfers.Core.Shares;

namespace Transfers.Api.Shares;

/// <summary>What the family's handlers use, bound with <c>[AsParameters]</c>.</summary>
/// <param name="Service">The family's use cases.</param>
public sealed record SharesServices([FromServices] SharesService Service);

/// <summary>
/// The Shares family: shares (a source and a destination) and their transfers. Files transfers keep the destination's
/// <c>latest/</c> folder in sync with the selected source paths every interval; pause, resume, edit and cancel signal the
/// transfer's eternal orchestration. Handlers parse, call <see cref="SharesService"/> and map its result with
/// <see cref="SharesResults"/>.
/// </summary>
public static class SharesApi
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

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
        shares.MapGet("/{shareId}", async (string shareId, HttpRequest r, [AsParameters] SharesServices s, CancellationToken c) =>
            SharesResults.From(await s.Service.GetShareAsync(Tenant(r), shareId, c), share => SharesResults.Json(SharesViews.Share(share))));
        shares.MapPut("/{shareId}/destination", SetDestinationAsync);
        shares.MapDelete("/{shareId}", async (string shareId, HttpRequest r, [AsParameters] SharesServices s, CancellationToken c) =>
            SharesResults.From(await s.Service.DeleteShareAsync(Tenant(r), shareId, c), TypedResults.NoContent));
        shares.MapPost("/{shareId}/credentials", IssueCredentialsAsync);
        shares.MapPost("/{shareId}/transfers", CreateTransferAsync);
        shares.MapGet("/{shareId}/transfers", ListTransfersAsync);
        shares.MapGet("/{shareId}/transfers/{transferId}", async (string shareId, string transferId, HttpRequest r, [AsParameters] SharesServices s, CancellationToken c) =>
            SharesResults.From(await s.Service.GetTransferAsync(Tenant(r), shareId, transferId, c), found => SharesResults.Json(SharesViews.Transfer(found.Transfer))));
        shares.MapPut("/{shareId}/transfers/{transferId}", UpdateTransferAsync);
        Accepted("/{shareId}/transfers/{transferId}/start", "POST", (s, tenant, shareId, transferId, c) => s.StartTransferAsync(tenant, shareId, transferId, c));
        Accepted("/{shareId}/transfers/{transferId}/pause", "POST", (s, tenant, shareId, transferId, c) => s.PauseTransferAsync(tenant, shareId, transferId, c));
        Accepted("/{shareId}/transfers/{transferId}", "DELETE", (s, tenant, shareId, transferId, c) => s.CancelTransferAsync(tenant, shareId, transferId, c));
        return shares;

        // Start (or resume), pause and cancel: 202 with the transfer as recorded.
        void Accepted(string pattern, string method, Func<SharesService, string, string, string, CancellationToken, Task<ServiceResult<ShareTransfer>>> change) =>
            shares.MapMethods(pattern, [method], async (string shareId, string transferId, HttpRequest r, [AsParameters] SharesServices s, CancellationToken c) =>
                SharesResults.From(await change(s.Service, Tenant(r), shareId, transferId, c), t => SharesResults.Json(SharesViews.Transfer(t), StatusCodes.Status202Accepted)));
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
        var (body, invalid) = await SharesResults.ReadBodyAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var created = await services.Service.CreateShareAsync(Tenant(request), body, cancellationToken);
        return SharesResults.From(created, share => SharesResults.Json(SharesViews.Share(share), StatusCodes.Status201Created, $"/v1/shares/{share.Id}"));
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
            return SharesResults.InvalidQuery(errors);
        }

        var page = await services.Service.ListSharesAsync(Tenant(request), limit, cursor, cancellationToken);
        return SharesResults.From(page, found => SharesResults.Json(SharesViews.Page(found, SharesViews.Share, next => $"/v1/shares?limit={limit}&cursor={next}")));
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
        var share = await services.Service.GetShareAsync(Tenant(request), shareId, cancellationToken);
        return await WithBodyAsync(share, request, async (found, body) => SharesResults.From(
            await services.Service.SetDestinationAsync(found, body, cancellationToken), updated => SharesResults.Json(SharesViews.Share(updated))), cancellationToken);
    }

    /// <summary>
    /// <c>POST /v1/shares/{shareId}/credentials</c>: gives the share's read-only PostgreSQL role a fresh password and
    /// answers it once, never to be cached.
    /// </summary>
    /// <param name="shareId">The share id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with <c>{role, password, access, schema}</c>, 404, 409 when the destination is not postgres or the server refuses, or 503.</returns>
    public static async Task<IResult> IssueCredentialsAsync(string shareId, HttpRequest request, [AsParameters] SharesServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            var issued = await services.Service.IssueCredentialsAsync(Tenant(request), shareId, cancellationToken);
            return SharesResults.From(issued, credentials =>
            {
                request.HttpContext.Response.Headers.CacheControl = "no-store";
                return SharesResults.Json(SharesViews.Credentials(credentials));
            });
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
        var share = await services.Service.GetShareAsync(Tenant(request), shareId, cancellationToken);
        return await WithBodyAsync(share, request, async (found, body) => SharesResults.From(
            await services.Service.CreateTransferAsync(found, body, cancellationToken), TransferCreated), cancellationToken);
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
        var share = await services.Service.GetShareAsync(Tenant(request), shareId, cancellationToken);
        if (!share.IsOk)
        {
            return SharesResults.Failure(share.Status);
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
            return SharesResults.InvalidQuery(errors);
        }

        var id = share.Value!.Id;
        var page = await services.Service.ListTransfersAsync(share.Value, status, limit, cursor, cancellationToken);
        return SharesResults.From(page, found => SharesResults.Json(SharesViews.Page(
            found, SharesViews.Transfer, next => $"/v1/shares/{id}/transfers?limit={limit}&cursor={next}" + (status is null ? string.Empty : $"&status={status}"))));
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
        var transfer = await services.Service.GetTransferAsync(Tenant(request), shareId, transferId, cancellationToken);
        return await WithBodyAsync(transfer, request, async (found, body) => SharesResults.From(
            await services.Service.UpdateTransferAsync(found, body, cancellationToken),
            u => u.Created ? TransferCreated(u.Transfer) : SharesResults.Json(SharesViews.Transfer(u.Transfer))), cancellationToken);
    }

    /// <summary>Reads <c>limit</c> and <c>cursor</c>, adding an error for each that is malformed.</summary>
    private static (int Limit, ShareListCursor? Cursor) ReadPaging(HttpRequest request, Dictionary<string, string[]> errors)
    {
        if (!Paging.TryParsePageSize(request.Query["limit"], DefaultPageSize, MaxPageSize, out var limit))
        {
            errors["limit"] = [Paging.PageSizeMessage("limit", MaxPageSize)];
        }

        string? cursorText = request.Query["cursor"];
        var cursor = ShareListCursor.Parse(cursorText);
        if (cursorText is not null && cursor is null)
        {
            errors["cursor"] = ["cursor must be the value of a previous page's next link."];
        }

        return (limit, cursor);
    }

    /// <summary>
    /// Reads the body for what a lookup found and runs the use case on both; a missing share or transfer answers 404
    /// before its body is looked at.
    /// </summary>
    private static async Task<IResult> WithBodyAsync<T>(ServiceResult<T> found, HttpRequest request, Func<T, JsonElement, Task<IResult>> then, CancellationToken cancellationToken)
    {
        if (!found.IsOk)
        {
            return SharesResults.Failure(found.Status);
        }

        var (body, invalid) = await SharesResults.ReadBodyAsync(request, cancellationToken);
        return invalid ?? await then(found.Value!, body);
    }

    private static IResult TransferCreated(ShareTransfer transfer) =>
        SharesResults.Json(SharesViews.Transfer(transfer), StatusCodes.Status201Created, $"/v1/shares/{transfer.ShareId}/transfers/{transfer.Id}");

    private static string Tenant(HttpRequest request) => CallerIdentity.Of(request.HttpContext).Tenant;
}
