using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Transfers.Core.Security;
using Transfers.Core.Storage;

namespace Transfers.Core.Tenants;

/// <summary>A tenant API key as the admin sees it once, at creation.</summary>
/// <param name="KeyId">The key id, used to revoke it.</param>
/// <param name="Tenant">The tenant the key acts for.</param>
/// <param name="Key">The key itself; never stored and never shown again.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record IssuedApiKey(string KeyId, string Tenant, string Key, DateTimeOffset CreatedAt);

/// <summary>
/// Tenant API keys in the <c>ApiKeys</c> table. A key reads <c>tk_{keyId}.{secret}</c>: the id finds the row with one
/// point read and only the SHA-256 of the whole key is stored.
/// </summary>
public sealed partial class ApiKeyStore
{
    /// <summary>The table that holds the key hashes.</summary>
    public const string TableName = ServiceTables.ApiKeys;

    private const string Partition = "key";
    private const string Prefix = "tk_";
    private readonly TableClient _table;
    private readonly Lazy<Task> _created;

    /// <summary>Initializes a new instance of the <see cref="ApiKeyStore"/> class.</summary>
    /// <param name="connections">The storage connections; keys live in the host's own account.</param>
    public ApiKeyStore(StorageConnections connections)
    {
        ArgumentNullException.ThrowIfNull(connections);
        _table = connections.Tables().GetTableClient(TableName);
        _created = new Lazy<Task>(() => _table.CreateIfNotExistsAsync());
    }

    /// <summary>Whether a tenant name is acceptable: lower-case letters, digits and hyphens, 1–63 characters.</summary>
    /// <param name="tenant">The tenant name.</param>
    /// <returns><c>true</c> when valid.</returns>
    public static bool IsValidTenant(string? tenant) => tenant is not null && TenantPattern().IsMatch(tenant);

    /// <summary>Issues a new key for a tenant.</summary>
    /// <param name="tenant">A valid tenant name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The key, to be shown once.</returns>
    public async Task<IssuedApiKey> IssueAsync(string tenant, CancellationToken cancellationToken = default)
    {
        if (!IsValidTenant(tenant))
        {
            throw new ArgumentException("Tenant names are 1-63 lower-case letters, digits or hyphens.", nameof(tenant));
        }

        await _created.Value;
        var keyId = Secrets.NewId();
        var key = $"{Prefix}{keyId}.{Secrets.NewSecret()}";
        var createdAt = DateTimeOffset.UtcNow;
        await _table.AddEntityAsync(
            new TableEntity(Partition, keyId) { ["Tenant"] = tenant, ["Hash"] = Secrets.Hash(key), ["CreatedAt"] = createdAt },
            cancellationToken);
        return new IssuedApiKey(keyId, tenant, key, createdAt);
    }

    /// <summary>Revokes a key.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>false</c> when no such key exists.</returns>
    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken = default)
    {
        if (!KeyIdPattern().IsMatch(keyId))
        {
            return false;
        }

        await _created.Value;

        // The SDK treats deleting a missing entity as success, so read first to tell the caller.
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, keyId, select: ["RowKey"], cancellationToken);
        if (!row.HasValue)
        {
            return false;
        }

        await _table.DeleteEntityAsync(Partition, keyId, ETag.All, cancellationToken);
        return true;
    }

    /// <summary>Finds the tenant of a presented key.</summary>
    /// <param name="presentedKey">The key from the request.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The tenant, or <c>null</c> when the key is unknown, malformed or revoked.</returns>
    public async Task<string?> FindTenantAsync(string presentedKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(presentedKey);
        var dot = presentedKey.IndexOf('.', StringComparison.Ordinal);
        if (!presentedKey.StartsWith(Prefix, StringComparison.Ordinal) || dot < 0)
        {
            return null;
        }

        var keyId = presentedKey[Prefix.Length..dot];
        if (!KeyIdPattern().IsMatch(keyId))
        {
            return null;
        }

        await _created.Value;
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, keyId, cancellationToken: cancellationToken);
        return row.HasValue && Secrets.Matches(presentedKey, row.Value!.GetString("Hash")) ? row.Value.GetString("Tenant") : null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex TenantPattern();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex KeyIdPattern();
}
