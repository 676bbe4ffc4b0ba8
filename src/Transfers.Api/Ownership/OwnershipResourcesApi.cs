using System.Text.Json.Nodes;
using Transfers.Api.Auth;
using Transfers.Core.Ownership;

namespace Transfers.Api.Ownership;

/// <summary>
/// <c>POST /v1/{collection}</c>, <c>GET /v1/{collection}</c> and <c>GET /v1/{collection}/{_id}</c> for exactly the
/// sixteen collections of <see cref="ResourceCollections.All"/> (listed in the route constraint, so other families'
/// <c>/v1/…</c> routes stay theirs). A user sees only what it owns.
/// </summary>
public static class OwnershipResourcesApi
{
    private static readonly string Collection = "{collection:regex(" + ResourceCollections.RoutePattern + ")}";

    /// <summary>Maps the resource routes on the family's <c>/v1</c> group.</summary>
    /// <param name="v1">The <c>/v1</c> group, with the bearer filter.</param>
    /// <returns>The group.</returns>
    public static RouteGroupBuilder MapOwnershipResources(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapPost($"/{Collection}", CreateResourceAsync);
        v1.MapGet($"/{Collection}", ListResourcesAsync);
        v1.MapGet($"/{Collection}/{{_id}}", GetResourceAsync);
        return v1;
    }

    /// <summary>Creates a resource owned by the caller; every reference must name one of the caller's resources.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>201 with the document, or 400.</returns>
    public static async Task<IResult> CreateResourceAsync(
        string collection, HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var (body, bodyError) = await OwnershipResults.ReadBodyAsync(request, cancellationToken: cancellationToken);
        if (bodyError is not null)
        {
            return OwnershipResults.BadRequest([bodyError]);
        }

        var created = await services.Service.CreateResourceAsync(OwnershipCaller.Of(request.HttpContext).UserId, collection, body!, cancellationToken);
        return OwnershipResults.From(created, resource => TypedResults.Created($"/v1/{collection}/{resource.Id}", JsonNode.Parse(resource.Document)));
    }

    /// <summary>Lists the caller's resources of a collection, paged with a <c>Link</c> header.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with a page, 204 when empty, or 400.</returns>
    public static async Task<IResult> ListResourcesAsync(
        string collection, HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        if (OwnershipApi.ReadPaging(request.Query, services.Options.CurrentValue, out var after, out var pageSize) is { } pagingError)
        {
            return OwnershipResults.InvalidQuery(pagingError);
        }

        var page = await services.Service.ListResourcesAsync(OwnershipCaller.Of(request.HttpContext).UserId, collection, after, pageSize, cancellationToken);
        return OwnershipResults.From(page, found =>
        {
            if (found.HasMore)
            {
                Paging.AddNextLink(request.HttpContext, "after", found.Items[^1].Id);
            }

            return found.Items.Count == 0 ? TypedResults.NoContent() : OwnershipResults.Json(new JsonArray([.. found.Items.Select(i => JsonNode.Parse(i.Document))]));
        });
    }

    /// <summary>Gets one of the caller's resources.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="id">The resource id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the document, or 404.</returns>
    public static async Task<IResult> GetResourceAsync(
        string collection, [FromRoute(Name = "_id")] string id, HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var resource = await services.Service.GetResourceAsync(OwnershipCaller.Of(request.HttpContext).UserId, collection, id, cancellationToken);
        return OwnershipResults.From(resource, found => OwnershipResults.Json(JsonNode.Parse(found.Document)!));
    }
}
