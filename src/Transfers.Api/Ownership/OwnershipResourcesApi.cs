using System.Text.Json.Nodes;
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
        var caller = OwnershipCaller.Of(request.HttpContext);
        var (body, bodyError) = await OwnershipJson.ReadObjectAsync(request, cancellationToken: cancellationToken);
        if (bodyError is not null)
        {
            return OwnershipResults.BadRequest([bodyError]);
        }

        var errors = ResourceSchema.Validate(collection, body!);
        if (errors.Count > 0)
        {
            return OwnershipResults.BadRequest(errors);
        }

        var references = ResourceSchema.References(collection, body!).ToList();
        var notOwned = await services.Resources.FindNotOwnedAsync(caller.UserId, references.Select(r => (r.Collection, r.Id)), cancellationToken);
        if (notOwned.Count > 0)
        {
            return OwnershipResults.BadRequest([.. references
                .Where(r => notOwned.Contains((r.Collection, r.Id)))
                .Select(r => new FieldError("invalid_ref", $"No {r.Collection} resource {r.Id} of yours exists.", r.Field))]);
        }

        var id = ObjectIds.NewId(services.Time.GetUtcNow());
        var document = new JsonObject { ["_id"] = id };
        foreach (var (name, value) in body!)
        {
            document[name] = value?.DeepClone();
        }

        var text = document.ToJsonString();
        if (text.Length > ResourceSchema.MaxDocumentLength)
        {
            return OwnershipResults.BadRequest("invalid_value", $"The document is longer than {ResourceSchema.MaxDocumentLength} characters.");
        }

        await services.Resources.AddAsync([new OwnedResource(collection, id, caller.UserId, body!["name"]?.GetValue<string>(), text)], cancellationToken);
        return TypedResults.Created($"/v1/{collection}/{id}", document);
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
        var caller = OwnershipCaller.Of(request.HttpContext);
        if (!ListPaging.TryParse(request.Query, services.Options.CurrentValue, out var paging, out var pagingError))
        {
            return OwnershipResults.InvalidQuery(pagingError!);
        }

        var (items, hasMore) = await services.Resources.ListAsync(caller.UserId, collection, paging.After, paging.PageSize, cancellationToken);
        if (items.Count == 0)
        {
            return TypedResults.NoContent();
        }

        if (hasMore)
        {
            ListPaging.AddNextLink(request.HttpContext, items[^1].Id);
        }

        return OwnershipResults.Json(new JsonArray([.. items.Select(i => JsonNode.Parse(i.Document))]));
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
        var caller = OwnershipCaller.Of(request.HttpContext);
        var resource = await services.Resources.GetAsync(collection, id, cancellationToken);
        return resource is not null && resource.OwnerId == caller.UserId
            ? OwnershipResults.Json(JsonNode.Parse(resource.Document)!)
            : OwnershipResults.NotFound($"No {collection} resource with id '{id}' exists.");
    }
}
