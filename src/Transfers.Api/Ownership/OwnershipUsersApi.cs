using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Transfers.Api.Auth;
using Transfers.Core.Application;
using Transfers.Core.Ownership;

namespace Transfers.Api.Ownership;

/// <summary>
/// Admin routes of the family (admin key in <c>X-API-KEY</c>; errors as <c>application/problem+json</c> like the
/// other admin routes): users and their bearer tokens. A token is shown only in the response that creates it.
/// </summary>
public static class OwnershipUsersApi
{
    /// <summary>Maps <c>POST /admin/users</c>, <c>POST /admin/users/{_id}/tokens</c> and <c>DELETE /admin/tokens/{tokenId}</c>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The admin group of these routes.</returns>
    public static RouteGroupBuilder MapOwnershipUsers(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/admin").RequireAdminKey().WithTags("Admin");
        admin.MapPost("/users", CreateUserAsync);
        admin.MapPost("/users/{_id}/tokens", IssueTokenAsync);
        admin.MapDelete("/tokens/{tokenId}", RevokeTokenAsync);
        return admin;
    }

    /// <summary>Creates a user from <c>{email, name?}</c> and issues its first bearer token.</summary>
    /// <param name="request">The request.</param>
    /// <param name="users">The user store.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>201 with <c>{_id, email, name?, createdAt, tokenId, token}</c>, 400, or 409 when the e-mail address is taken.</returns>
    public static async Task<IResult> CreateUserAsync(HttpRequest request, [FromServices] UserStore users, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(users);
        var (body, error) = await OwnershipResults.ReadBodyAsync(request, cancellationToken: cancellationToken);
        var errors = error is null ? OwnershipResults.UnknownFields(body!, "email", "name").ToList() : [error];
        string? email = null;
        string? name = null;
        if (body is not null)
        {
            errors.AddRange(new[] { OwnershipResults.TryGetString(body, "email", out email), OwnershipResults.TryGetString(body, "name", out name) }.OfType<FieldError>());
            if (errors.Count == 0 && !UserStore.IsValidEmail(email))
            {
                errors.Add(new FieldError("invalid_value", "email must be a valid e-mail address.", "email"));
            }

            if (errors.Count == 0 && !UserStore.IsValidName(name))
            {
                errors.Add(new FieldError("invalid_value", "name must be at most 256 characters without control characters.", "name"));
            }
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var created = await users.CreateAsync(email!, name, cancellationToken);
        if (created is not { } result)
        {
            return Problems.Conflict($"A user with the e-mail address {email} exists already.");
        }

        var json = new JsonObject
        {
            ["_id"] = result.User.Id,
            ["email"] = result.User.Email,
            ["name"] = result.User.Name,
            ["createdAt"] = OwnershipText.Date(result.User.CreatedAt),
            ["tokenId"] = result.Token.TokenId,
            ["token"] = result.Token.Token,
        };
        return Created($"/admin/users/{result.User.Id}", json);
    }

    /// <summary>Issues another bearer token for a user; the body may set <c>expiresAt</c> (an ISO 8601 time in the future).</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="request">The request.</param>
    /// <param name="users">The user store.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>201 with <c>{tokenId, userId, token, createdAt, expiresAt?}</c>, 400, or 404.</returns>
    public static async Task<IResult> IssueTokenAsync(
        [FromRoute(Name = "_id")] string userId, HttpRequest request, [FromServices] UserStore users, [FromServices] TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(time);
        var (body, error) = await OwnershipResults.ReadBodyAsync(request, allowEmpty: true, cancellationToken: cancellationToken);
        var errors = error is null ? OwnershipResults.UnknownFields(body!, "expiresAt").ToList() : [error];
        DateTimeOffset? expiresAt = null;
        if (errors.Count == 0 && body!["expiresAt"] is { } node)
        {
            if (node.GetValueKind() != JsonValueKind.String || !DateTimeOffset.TryParse(node.GetValue<string>(), out var parsed) || parsed <= time.GetUtcNow())
            {
                errors.Add(new FieldError("invalid_value", "expiresAt must be an ISO 8601 date-time in the future.", "expiresAt"));
            }
            else
            {
                expiresAt = parsed.ToUniversalTime();
            }
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var token = await users.IssueTokenAsync(userId, expiresAt, cancellationToken);
        if (token is null)
        {
            return Problems.NotFound($"No user with id '{userId}' exists.");
        }

        var json = new JsonObject
        {
            ["tokenId"] = token.TokenId,
            ["userId"] = token.UserId,
            ["token"] = token.Token,
            ["createdAt"] = OwnershipText.Date(token.CreatedAt),
            ["expiresAt"] = token.ExpiresAt is { } at ? OwnershipText.Date(at) : null,
        };
        return Created($"/admin/tokens/{token.TokenId}", json);
    }

    /// <summary>Revokes a bearer token.</summary>
    /// <param name="tokenId">The token id.</param>
    /// <param name="users">The user store.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>204, or 404 when no such token exists.</returns>
    public static async Task<IResult> RevokeTokenAsync(string tokenId, [FromServices] UserStore users, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        return await users.RevokeTokenAsync(tokenId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No token with id '{tokenId}' exists.");
    }

    private static IResult Invalid(IEnumerable<FieldError> errors) =>
        Problems.Validation(
            "The request is invalid.",
            errors.GroupBy(e => e.Field ?? "body").ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));

    private static Created<JsonObject> Created(string location, JsonObject body)
    {
        // Keep the names as written (_id) and leave out nulls.
        foreach (var key in body.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            body.Remove(key);
        }

        return TypedResults.Created(location, body);
    }
}
