using System.Text.Json;
using Transfers.Api.Auth;
using Transfers.Core.Storage;
using Transfers.Core.Tenants;
using Transfers.Core.Warehouse;

namespace Transfers.Api;

/// <summary>
/// Admin routes: tenant API keys and the storage connections granted to tenants. Guarded by the admin key; errors as
/// <c>application/problem+json</c>.
/// </summary>
public static class AdminApi
{
    private static readonly string[] s_grantFields = ["connection", "prefix"];

    /// <summary>Maps <c>/admin/tenants/{tenant}/keys</c>, <c>/admin/keys/{keyId}</c> and <c>/admin/tenants/{tenant}/connections</c>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The admin route group, for other families' admin routes.</returns>
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/admin").RequireAdminKey().WithTags("Admin");
        admin.MapPost("/tenants/{tenant}/keys", IssueTenantKeyAsync);
        admin.MapDelete("/keys/{keyId}", RevokeKeyAsync);
        admin.MapPost("/tenants/{tenant}/connections", GrantConnectionAsync);
        admin.MapGet("/tenants/{tenant}/connections", ListGrantsAsync);
        admin.MapGet("/tenants/{tenant}/connections/{connection}", GetGrantAsync);
        admin.MapDelete("/tenants/{tenant}/connections/{connection}", RevokeGrantAsync);
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
            return InvalidTenant();
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

    /// <summary>
    /// <c>POST /admin/tenants/{tenant}/connections</c> <c>{connection, prefix?}</c>: lets a tenant name a storage or
    /// PostgreSQL connection, whole or (with <c>prefix</c>) only its containers and tables (schemas) whose names start with
    /// the prefix.
    /// </summary>
    /// <param name="tenant">The tenant name.</param>
    /// <param name="request">The request.</param>
    /// <param name="grants">The grant store.</param>
    /// <param name="connections">Tells which storage connections are configured.</param>
    /// <param name="warehouses">Tells which PostgreSQL connections are configured.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>
    /// 201 with the grant (200 when it replaced the admin's earlier grant of that connection), 400, or 409 when settings
    /// make that grant or the prefix overlaps another tenant's on that connection.
    /// </returns>
    public static async Task<IResult> GrantConnectionAsync(
        string tenant, HttpRequest request, ConnectionGrantStore grants, StorageConnections connections, PostgresConnections warehouses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(warehouses);
        if (!ApiKeyStore.IsValidTenant(tenant))
        {
            return InvalidTenant();
        }

        var (body, invalid) = await Problems.ReadBodyAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var unknown in body.EnumerateObject().Select(p => p.Name).Where(n => !s_grantFields.Contains(n, StringComparer.Ordinal)))
        {
            errors[unknown] = [$"Unknown field '{unknown}'."];
        }

        var connection = body.TryGetProperty("connection", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        if (!ConnectionGrantStore.IsValidConnectionName(connection))
        {
            errors["connection"] = ["connection is required: the name of a configured storage or PostgreSQL connection (1-64 letters, digits, hyphens or underscores)."];
        }
        else if (!connections.Exists(connection) && !warehouses.Exists(connection))
        {
            errors["connection"] = [$"No storage connection named '{connection}' is configured (Transfers__Connections__{connection}; 'default' is AzureWebJobsStorage)."];
        }

        string? prefix = null;
        if (body.TryGetProperty("prefix", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            prefix = p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            if (!ConnectionGrantStore.IsValidPrefix(prefix))
            {
                errors["prefix"] = ["prefix must be 2-40 lower-case letters or digits, starting with a letter, or null for the whole connection."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation("The grant is invalid.", errors);
        }

        var (outcome, grant) = await grants.GrantAsync(tenant, connection!, prefix, cancellationToken);
        return outcome switch
        {
            ConnectionGrantOutcome.Created => TypedResults.Created($"/admin/tenants/{tenant}/connections/{grant.Connection}", grant),
            ConnectionGrantOutcome.Replaced => TypedResults.Ok(grant),
            ConnectionGrantOutcome.PrefixOverlaps => Problems.Conflict(
                $"The prefix '{prefix}' overlaps tenant '{grant.Tenant}''s prefix '{grant.Prefix}' on the storage connection '{grant.Connection}': either tenant could name the other's containers and tables. Choose a prefix that no other tenant's starts or is started by."),
            _ => Problems.Conflict($"The settings grant '{grant.Connection}' to tenant '{tenant}' (Transfers__Grants__{tenant}__{grant.Connection}); change it there."),
        };
    }

    /// <summary><c>GET /admin/tenants/{tenant}/connections</c>: the connections a tenant may name, from settings and from this API.</summary>
    /// <param name="tenant">The tenant name.</param>
    /// <param name="grants">The grant store.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with <c>{items}</c>, or 400 for a bad tenant name.</returns>
    public static async Task<IResult> ListGrantsAsync(string tenant, ConnectionGrantStore grants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grants);
        return ApiKeyStore.IsValidTenant(tenant)
            ? TypedResults.Ok(new { items = await grants.ListAsync(tenant, cancellationToken) })
            : InvalidTenant();
    }

    /// <summary><c>GET /admin/tenants/{tenant}/connections/{connection}</c>.</summary>
    /// <param name="tenant">The tenant name.</param>
    /// <param name="connection">The connection name.</param>
    /// <param name="grants">The grant store.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the grant, or 404.</returns>
    public static async Task<IResult> GetGrantAsync(string tenant, string connection, ConnectionGrantStore grants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grants);
        var grant = ApiKeyStore.IsValidTenant(tenant)
            ? (await grants.ListAsync(tenant, cancellationToken)).FirstOrDefault(g => g.Connection.Equals(connection, StringComparison.OrdinalIgnoreCase))
            : null;
        return grant is null ? GrantNotFound(tenant, connection) : TypedResults.Ok(grant);
    }

    /// <summary><c>DELETE /admin/tenants/{tenant}/connections/{connection}</c>: revokes a grant the admin made.</summary>
    /// <param name="tenant">The tenant name.</param>
    /// <param name="connection">The connection name.</param>
    /// <param name="grants">The grant store.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>204; 404 when there is no such grant; 409 when settings make it.</returns>
    public static async Task<IResult> RevokeGrantAsync(string tenant, string connection, ConnectionGrantStore grants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grants);
        if (await grants.RevokeAsync(tenant, connection, cancellationToken))
        {
            return TypedResults.NoContent();
        }

        var remaining = ApiKeyStore.IsValidTenant(tenant)
            ? (await grants.ListAsync(tenant, cancellationToken)).FirstOrDefault(g => g.Connection.Equals(connection, StringComparison.OrdinalIgnoreCase))
            : null;
        return remaining is { Source: ConnectionGrantSources.Settings }
            ? Problems.Conflict($"The settings grant '{remaining.Connection}' to tenant '{tenant}' (Transfers__Grants__{tenant}__{remaining.Connection}); change it there.")
            : GrantNotFound(tenant, connection);
    }

    private static IResult InvalidTenant() => Problems.Validation(
        "The tenant name is invalid.",
        new Dictionary<string, string[]> { ["tenant"] = ["Use 1-63 lower-case letters, digits or hyphens, starting with a letter or digit."] });

    private static IResult GrantNotFound(string tenant, string connection) =>
        Problems.NotFound($"Tenant '{tenant}' has no grant of the storage connection '{connection}'.");
}
