using Transfers.Api.Auth;
using Transfers.Core.Tenants;

namespace Transfers.Api;

/// <summary>Admin routes: tenant API keys. Guarded by the admin key; errors as <c>application/problem+json</c>.</summary>
public static class AdminApi
{
    /// <summary>Maps <c>/admin/tenants/{tenant}/keys</c> and <c>/admin/keys/{keyId}</c>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The admin route group, for other families' admin routes.</returns>
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/admin").RequireAdminKey().WithTags("Admin");
        admin.MapPost("/tenants/{tenant}/keys", IssueTenantKeyAsync);
        admin.MapDelete("/keys/{keyId}", RevokeKeyAsync);
        return admin;
    }

    /// <summary>Issues a tenant API key; the key is in this response only.</summary>
    /// <param name="tenant">The tenant name.</param>
    /// <param name="keys">The key store.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>201 with the key, or 400 for a bad tenant name.</returns>
    public static async Task<IResult> IssueTenantKeyAsync(string tenant, ApiKeyStore keys, CancellationToken cancellationToken)
    {
        if (!ApiKeyStore.IsValidTenant(tenant))
        {
            return Problems.Validation(
                "The tenant name is invalid.",
                new Dictionary<string, string[]> { ["tenant"] = ["Use 1-63 lower-case letters, digits or hyphens, starting with a letter or digit."] });
        }

        var issued = await keys.IssueAsync(tenant, cancellationToken);
        return TypedResults.Created($"/admin/keys/{issued.KeyId}", issued);
    }

    /// <summary>Revokes a tenant API key.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="keys">The key store.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>204, or 404 when no such key exists.</returns>
    public static async Task<IResult> RevokeKeyAsync(string keyId, ApiKeyStore keys, CancellationToken cancellationToken) =>
        await keys.RevokeAsync(keyId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No API key with id '{keyId}' exists.");
}
