using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Transfers.Core.Configuration;
using Transfers.Core.Storage;

namespace Transfers.Core.Tenants;

/// <summary>Where a grant comes from.</summary>
public static class ConnectionGrantSources
{
    /// <summary><c>Transfers__Grants__&lt;tenant&gt;__&lt;connection&gt;</c>; changed only where the settings are.</summary>
    public const string Settings = "settings";

    /// <summary>The admin API (<c>/admin/tenants/{tenant}/connections</c>), stored in the <c>ConnectionGrants</c> table.</summary>
    public const string Api = "api";
}

/// <summary>A tenant's permission to name a storage connection, whole or under a prefix.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Connection">The connection name, as configured.</param>
/// <param name="Prefix">
/// When set, the tenant may name only containers and tables whose names start with it (and table prefixes that do), so
/// that several tenants can share one account; <c>null</c> grants the whole connection.
/// </param>
/// <param name="Source">Where the grant comes from (<see cref="ConnectionGrantSources"/>).</param>
/// <param name="GrantedAt">When the admin granted it; <c>null</c> for grants in settings.</param>
public sealed record ConnectionGrant(string Tenant, string Connection, string? Prefix, string Source, DateTimeOffset? GrantedAt);

/// <summary>What <see cref="ConnectionGrantStore.GrantAsync"/> did.</summary>
public enum ConnectionGrantOutcome
{
    /// <summary>A new grant was stored.</summary>
    Created,

    /// <summary>An earlier grant of the same connection was replaced.</summary>
    Replaced,

    /// <summary>The settings grant that connection to the tenant; the API does not change it.</summary>
    FixedBySettings,

    /// <summary>
    /// Another tenant's prefix on that connection starts the new prefix or starts with it, so either tenant could name
    /// the other's containers and tables; nothing was stored.
    /// </summary>
    PrefixOverlaps,
}

/// <summary>
/// The storage connections each tenant may name: grants in settings (<c>Transfers__Grants__&lt;tenant&gt;__&lt;connection&gt;</c>,
/// <c>*</c> for the whole connection or a name prefix) and grants the admin made, in the <c>ConnectionGrants</c> table
/// (partition tenant, row the connection name in lower case). A tenant without a grant reaches no storage at all.
/// </summary>
public sealed partial class ConnectionGrantStore
{
    /// <summary>The table that holds the admin's grants.</summary>
    public const string TableName = ServiceTables.ConnectionGrants;

    /// <summary>The configuration section of grants in settings.</summary>
    public const string SettingsSection = TransfersOptions.SectionName + ":Grants";

    /// <summary>The settings value that grants the whole connection.</summary>
    public const string WholeConnection = "*";

    private readonly TableClient _table;
    private readonly Lazy<Task> _created;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="ConnectionGrantStore"/> class.</summary>
    /// <param name="connections">The storage connections; grants live in the host's own account.</param>
    /// <param name="configuration">Holds the grants in settings.</param>
    /// <param name="time">The clock.</param>
    public ConnectionGrantStore(StorageConnections connections, IConfiguration configuration, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(time);
        _table = connections.Tables().GetTableClient(TableName);
        _created = new Lazy<Task>(() => _table.CreateIfNotExistsAsync());
        _configuration = configuration;
        _time = time;
    }

    /// <summary>
    /// Whether a prefix can confine a tenant on a shared account: 2-40 lower-case letters or digits, starting with a
    /// letter, so that it begins both container names (lower case) and table names (letters and digits).
    /// </summary>
    /// <param name="prefix">The prefix.</param>
    /// <returns><c>true</c> when valid.</returns>
    public static bool IsValidPrefix(string? prefix) => prefix is not null && PrefixPattern().IsMatch(prefix);

    /// <summary>Whether a connection name can be granted: 1-64 letters, digits, hyphens or underscores.</summary>
    /// <param name="connection">The connection name.</param>
    /// <returns><c>true</c> when valid.</returns>
    public static bool IsValidConnectionName(string? connection) => connection is not null && ConnectionPattern().IsMatch(connection);

    /// <summary>Lists a tenant's grants: those in settings, then the admin's for other connections.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The grants, by connection name.</returns>
    public async Task<IReadOnlyList<ConnectionGrant>> ListAsync(string tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var grants = FromSettings(tenant);
        await _created.Value;
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenant}"), cancellationToken: cancellationToken))
        {
            var grant = FromEntity(row);
            if (!grants.Any(g => g.Connection.Equals(grant.Connection, StringComparison.OrdinalIgnoreCase)))
            {
                grants.Add(grant);
            }
        }

        return [.. grants.OrderBy(g => g.Connection, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Grants a connection to a tenant, or replaces the admin's earlier grant of it.</summary>
    /// <param name="tenant">A valid tenant name.</param>
    /// <param name="connection">A valid, configured connection name.</param>
    /// <param name="prefix">A valid prefix, or <c>null</c> for the whole connection.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What was done, and the grant in effect (the other tenant's for <see cref="ConnectionGrantOutcome.PrefixOverlaps"/>).</returns>
    public async Task<(ConnectionGrantOutcome Outcome, ConnectionGrant Grant)> GrantAsync(string tenant, string connection, string? prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(connection);
        if (FromSettings(tenant).FirstOrDefault(g => g.Connection.Equals(connection, StringComparison.OrdinalIgnoreCase)) is { } fixedGrant)
        {
            return (ConnectionGrantOutcome.FixedBySettings, fixedGrant);
        }

        await _created.Value;
        if (prefix is not null && await FindOverlapAsync(tenant, connection, prefix, cancellationToken) is { } overlap)
        {
            return (ConnectionGrantOutcome.PrefixOverlaps, overlap);
        }

        var grant = new ConnectionGrant(tenant, connection, prefix, ConnectionGrantSources.Api, _time.GetUtcNow());
        var entity = new TableEntity(tenant, connection.ToLowerInvariant())
        {
            ["Connection"] = connection,
            ["Prefix"] = prefix,
            ["GrantedAt"] = grant.GrantedAt,
        };
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken);
            return (ConnectionGrantOutcome.Created, grant);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
            return (ConnectionGrantOutcome.Replaced, grant);
        }
    }

    /// <summary>Revokes the admin's grant of a connection to a tenant.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="connection">The connection name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>false</c> when the admin made no such grant.</returns>
    public async Task<bool> RevokeAsync(string tenant, string connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(connection);
        if (!ApiKeyStore.IsValidTenant(tenant) || !IsValidConnectionName(connection))
        {
            return false;
        }

        await _created.Value;

        // The SDK treats deleting a missing entity as success, so read first to tell the caller.
        var key = connection.ToLowerInvariant();
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(tenant, key, select: ["RowKey"], cancellationToken);
        if (!row.HasValue)
        {
            return false;
        }

        await _table.DeleteEntityAsync(tenant, key, ETag.All, cancellationToken);
        return true;
    }

    // Every other tenant's prefix grant of the connection, in settings and in the table (a scan by row key: grants are
    // few). Two admins granting overlapping prefixes at the same moment can both pass; grants are the admin's alone.
    private async Task<ConnectionGrant?> FindOverlapAsync(string tenant, string connection, string prefix, CancellationToken cancellationToken)
    {
        var others = _configuration.GetSection(SettingsSection).GetChildren()
            .Where(t => !t.Key.Equals(tenant, StringComparison.OrdinalIgnoreCase))
            .SelectMany(t => FromSettings(t.Key))
            .ToList();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {connection.ToLowerInvariant()}"), cancellationToken: cancellationToken))
        {
            if (row.PartitionKey != tenant)
            {
                others.Add(FromEntity(row));
            }
        }

        return others.FirstOrDefault(g =>
            g.Connection.Equals(connection, StringComparison.OrdinalIgnoreCase) &&
            g.Prefix is { } other &&
            (other.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || prefix.StartsWith(other, StringComparison.OrdinalIgnoreCase)));
    }

    private List<ConnectionGrant> FromSettings(string tenant) =>
        [
            .. _configuration.GetSection($"{SettingsSection}:{tenant}").GetChildren()
                .Where(c => IsValidConnectionName(c.Key) && (c.Value == WholeConnection || IsValidPrefix(c.Value)))
                .Select(c => new ConnectionGrant(tenant, c.Key, c.Value == WholeConnection ? null : c.Value, ConnectionGrantSources.Settings, null)),
        ];

    private static ConnectionGrant FromEntity(TableEntity row) => new(
        row.PartitionKey,
        row.GetString("Connection") ?? row.RowKey,
        row.GetString("Prefix"),
        ConnectionGrantSources.Api,
        row.GetDateTimeOffset("GrantedAt"));

    [GeneratedRegex("^[a-z][a-z0-9]{1,39}$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ConnectionPattern();
}
