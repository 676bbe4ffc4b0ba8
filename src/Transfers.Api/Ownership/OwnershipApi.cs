using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Transfers.Api.Auth;
using Transfers.Core.Application;
using Transfers.Core.Ownership;

namespace Transfers.Api.Ownership;

/// <summary>What the family's handlers use, bound with <c>[AsParameters]</c>.</summary>
/// <param name="Service">The family's use cases.</param>
/// <param name="Options">The family's settings (page sizes).</param>
public sealed record OwnershipServices([FromServices] OwnershipService Service, [FromServices] IOptionsMonitor<OwnershipOptions> Options);

/// <summary>
/// The Ownership family's transfer routes under <c>/v1/transfers</c>, exactly as the seed has them, behind the bearer
/// filter; plus the family's resource routes and admin user routes. Handlers parse, call <see cref="OwnershipService"/>
/// and map its result with <see cref="OwnershipResults"/>.
/// </summary>
public static class OwnershipApi
{
    /// <summary>Maps every route of the family.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapOwnershipApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var v1 = app.MapGroup("/v1").RequireOwnershipBearer().WithTags("Ownership");
        var transfers = v1.MapGroup("/transfers");
        transfers.MapGet("/preview", PreviewAsync);
        transfers.MapPost("/invite", InviteAsync);
        transfers.MapGet("/", (HttpRequest r, [AsParameters] OwnershipServices s, CancellationToken c) => ListAsync(r, s, OwnershipDirection.Outbound, c));
        transfers.MapGet("/invited", (HttpRequest r, [AsParameters] OwnershipServices s, CancellationToken c) => ListAsync(r, s, OwnershipDirection.Inbound, c));
        transfers.MapGet("/{_id}", GetTransferAsync);
        Answer("PUT", "/{_id}/accept", (service, caller, id, c) => service.AcceptAsync(caller, id, c));
        Answer("PUT", "/{_id}/dismiss", (service, caller, id, c) => service.DismissAsync(caller, id, c));
        Answer("PUT", "/{_id}/cancel", (service, caller, id, c) => service.CancelAsync(caller, id, c));
        Answer("DELETE", "/{_id}", (service, caller, id, c) => service.DeleteAsync(caller, id, c));
        v1.MapOwnershipResources();
        app.MapOwnershipUsers();
        return app;

        // Accept, dismiss, cancel and delete: 204 when done.
        void Answer(string method, string pattern, Func<OwnershipService, string, string, CancellationToken, Task<ServiceResult>> answer) =>
            transfers.MapMethods(pattern, [method], async ([FromRoute(Name = "_id")] string id, HttpRequest r, [AsParameters] OwnershipServices s, CancellationToken c) =>
                OwnershipResults.From(await answer(s.Service, Caller(r), id, c), TypedResults.NoContent));
    }

    /// <summary><c>GET /v1/transfers/preview?email&amp;_integrationIds</c>: what an invitation would transfer.</summary>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with a <c>PreviewResponse</c>, 204 when nothing would move, or 400.</returns>
    public static async Task<IResult> PreviewAsync(HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var callerId = Caller(request);
        string? idsText = request.Query["_integrationIds"];
        var errors = new List<FieldError>();
        if (await services.Service.CheckInviteeEmailAsync(callerId, request.Query["email"], cancellationToken) is { } emailError)
        {
            errors.Add(emailError);
        }

        IReadOnlyList<string>? ids = null;
        if (string.IsNullOrEmpty(idsText))
        {
            errors.Add(new FieldError("missing_required_field", "_integrationIds is required: a JSON array of integration ids, with \"none\" for standalone flows.", "_integrationIds"));
        }
        else if (ReadIntegrationIds(ParseOrNull(idsText), out ids) is { } idsError)
        {
            errors.Add(idsError);
        }

        if (errors.Count > 0)
        {
            return OwnershipResults.BadRequest(errors);
        }

        var preview = await services.Service.PreviewAsync(callerId, ids!, cancellationToken);
        return OwnershipResults.From(preview, closure => closure.Count == 0 ? TypedResults.NoContent() : OwnershipResults.Json(OwnershipViews.Preview(closure)));
    }

    /// <summary><c>POST /v1/transfers/invite</c>: invites a user to take ownership of integrations or the whole account.</summary>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>201 with the <c>Transfer</c>, 400 or 404.</returns>
    public static async Task<IResult> InviteAsync(HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var callerId = Caller(request);
        var (body, bodyError) = await OwnershipResults.ReadBodyAsync(request, cancellationToken: cancellationToken);
        if (bodyError is not null)
        {
            return OwnershipResults.BadRequest([bodyError]);
        }

        var errors = OwnershipResults.UnknownFields(body!, "email", "_integrationIds", "account").ToList();
        if (OwnershipResults.TryGetString(body!, "email", out var email) is { } typeError)
        {
            errors.Add(typeError);
        }
        else if (await services.Service.CheckInviteeEmailAsync(callerId, email, cancellationToken) is { } emailError)
        {
            errors.Add(emailError);
        }

        var account = false;
        if (body!["account"] is { } accountNode)
        {
            if (accountNode.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add(new FieldError("invalid_type", "'account' must be a boolean.", "account"));
            }
            else
            {
                account = accountNode.GetValue<bool>();
            }
        }

        IReadOnlyList<string>? ids = null;
        if (body["_integrationIds"] is { } idsNode && ReadIntegrationIds(idsNode, out ids) is { } idsError)
        {
            errors.Add(idsError);
        }

        if (errors.Count == 0 && (ids is null) == !account)
        {
            errors.Add(new FieldError(
                "invalid_request",
                account ? "Give either _integrationIds or account: true, not both." : "Give either _integrationIds or account: true.",
                "_integrationIds"));
        }

        if (errors.Count > 0)
        {
            return OwnershipResults.BadRequest(errors);
        }

        var invited = await services.Service.InviteAsync(callerId, email!, ids, account, cancellationToken);
        return OwnershipResults.From(invited, details => OwnershipResults.Json(OwnershipViews.Transfer(details), StatusCodes.Status201Created));
    }

    /// <summary><c>GET /v1/transfers/{_id}</c>: one transfer the caller sent or received.</summary>
    /// <param name="id">The transfer id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the <c>Transfer</c>, or 404.</returns>
    public static async Task<IResult> GetTransferAsync(
        [FromRoute(Name = "_id")] string id, HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var transfer = await services.Service.GetTransferAsync(Caller(request), id, cancellationToken);
        return OwnershipResults.From(transfer, details => OwnershipResults.Json(OwnershipViews.Transfer(details)));
    }

    /// <summary>
    /// <c>GET /v1/transfers</c> (the caller's outbound transfers, each with <c>transferToUser</c>) and
    /// <c>GET /v1/transfers/invited</c> (those offered to the caller, each with <c>ownerUser</c>).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="direction">Which of the two lists.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with a page, 204 when empty, or 400.</returns>
    public static async Task<IResult> ListAsync(HttpRequest request, OwnershipServices services, OwnershipDirection direction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        if (!ListProjection.TryParse(request.Query, out var projection, out var projectionError))
        {
            return OwnershipResults.InvalidQuery(projectionError!);
        }

        if (ReadPaging(request.Query, services.Options.CurrentValue, out var after, out var pageSize) is { } pagingError)
        {
            return OwnershipResults.InvalidQuery(pagingError);
        }

        var page = await services.Service.ListTransfersAsync(Caller(request), direction, after, pageSize, cancellationToken);
        return OwnershipResults.From(page, found =>
        {
            if (found.HasMore)
            {
                Paging.AddNextLink(request.HttpContext, "after", found.Items[^1].Details.Transfer.Id);
            }

            return found.Items.Count == 0 ? TypedResults.NoContent() : OwnershipResults.Json(OwnershipViews.TransferList(found, direction, projection));
        });
    }

    /// <summary>
    /// Reads <c>pageSize</c> (1 to <see cref="OwnershipOptions.MaxPageSize"/>) and <c>after</c> (the last id of the
    /// previous page) of a list route; an empty value counts as absent. The next page is in a <c>Link</c> header.
    /// </summary>
    /// <param name="query">The query string.</param>
    /// <param name="options">The family's settings.</param>
    /// <param name="after">The id to start after, if any.</param>
    /// <param name="pageSize">The page size.</param>
    /// <returns>Why a value is rejected, or <c>null</c>.</returns>
    internal static string? ReadPaging(IQueryCollection query, OwnershipOptions options, out string? after, out int pageSize)
    {
        string? size = query["pageSize"];
        after = string.IsNullOrEmpty(query["after"]) ? null : query["after"].ToString();
        if (!Paging.TryParsePageSize(string.IsNullOrEmpty(size) ? null : size, options.DefaultPageSize, options.MaxPageSize, out pageSize))
        {
            return Paging.PageSizeMessage("pageSize", options.MaxPageSize);
        }

        return after is null || ObjectIds.IsValid(after) ? null : "after must be an id of 24 lower-case hex characters.";
    }

    private static FieldError? ReadIntegrationIds(JsonNode? node, out IReadOnlyList<string>? ids)
    {
        ids = null;
        return node is not JsonArray array || array.Any(i => i?.GetValueKind() != JsonValueKind.String)
            ? new FieldError("invalid_type", "_integrationIds must be a JSON array of integration ids (strings), with \"none\" for standalone flows.", "_integrationIds")
            : OwnershipService.CheckIntegrationIds([.. array.Select(i => i!.GetValue<string>())], out ids);
    }

    /// <summary>Parses a query value as JSON; malformed JSON is reported with the other malformed values.</summary>
    private static JsonNode? ParseOrNull(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Caller(HttpRequest request) => OwnershipCaller.Of(request.HttpContext).UserId;
}
