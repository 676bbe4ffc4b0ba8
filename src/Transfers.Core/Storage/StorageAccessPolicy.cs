using Microsoft.Extensions.Configuration;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Storage;

/// <summary>
/// Decides which storage a tenant may name as a source or destination. Two rules:
/// <list type="bullet">
/// <item>A connection is open to every tenant unless <c>Transfers:ConnectionTenants:&lt;name&gt;</c> lists the tenants
/// that may use it (comma-separated; <c>*</c> for all). A deployment that hosts tenants who must not see each other's
/// data gives each tenant its own connection and lists it there.</item>
/// <item>On the host's own account (whatever connection name points at it) the service's own tables
/// (<see cref="ServiceTables"/>, the task hub's) and containers are off limits: records, API key hashes, SAS URLs,
/// durable history and the deployment package live there.</item>
/// </list>
/// </summary>
public sealed class StorageAccessPolicy
{
    /// <summary>The configuration section that limits connections to tenants.</summary>
    public const string ConnectionTenantsSection = "Transfers:ConnectionTenants";

    // The Functions host's own containers and the Flex Consumption deployment package (infra/main.bicep).
    private static readonly string[] s_serviceContainerPrefixes = ["azure-webjobs-", "app-package-"];

    private readonly StorageConnections _connections;
    private readonly IConfiguration _configuration;

    /// <summary>Initializes a new instance of the <see cref="StorageAccessPolicy"/> class.</summary>
    /// <param name="connections">Resolves connection names to accounts.</param>
    /// <param name="configuration">Holds the task hub name and <see cref="ConnectionTenantsSection"/>.</param>
    public StorageAccessPolicy(StorageConnections connections, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(configuration);
        _connections = connections;
        _configuration = configuration;
    }

    /// <summary>The checks of one tenant, for validators that check many names of one request.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The tenant's view of this policy.</returns>
    public TenantStorageAccess ForTenant(string tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return new TenantStorageAccess(this, tenant);
    }

    /// <summary>Checks that a tenant may use a connection.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckConnection(string tenant, string? connection)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var name = string.IsNullOrWhiteSpace(connection) ? StorageConnections.DefaultName : connection;
        if (!_connections.Exists(name))
        {
            return $"No storage connection named '{name}' is configured.";
        }

        var allowed = _configuration[$"{ConnectionTenantsSection}:{name}"];
        if (string.IsNullOrWhiteSpace(allowed))
        {
            return null;
        }

        var tenants = allowed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return tenants.Contains("*", StringComparer.Ordinal) || tenants.Contains(tenant, StringComparer.Ordinal)
            ? null
            : $"The storage connection '{name}' is not available to this tenant.";
    }

    /// <summary>Checks that a tenant may read or write a table.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <param name="table">The table name.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckTable(string tenant, string? connection, string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (CheckConnection(tenant, connection) is { } denied)
        {
            return denied;
        }

        if (!IsHostAccount(connection, tables: true))
        {
            return null;
        }

        // The task hub's tables start with its name. Names of Azure Tables are case-insensitive.
        var hub = TaskHubName.Resolve(_configuration);
        return ServiceTables.All.Contains(table, StringComparer.OrdinalIgnoreCase)
            ? $"Table '{table}' holds the service's own records on this account; choose another name."
            : table.StartsWith(hub, StringComparison.OrdinalIgnoreCase)
                ? $"Tables whose names start with '{hub}' hold the service's own records on this account; choose another name."
                : null;
    }

    /// <summary>Checks that a tenant may read or write a blob container.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <param name="container">The container name.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckContainer(string tenant, string? connection, string container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (CheckConnection(tenant, connection) is { } denied)
        {
            return denied;
        }

        var reserved = s_serviceContainerPrefixes.Append(TaskHubName.Resolve(_configuration).ToLowerInvariant() + "-");
        return IsHostAccount(connection, tables: false) && reserved.FirstOrDefault(p => container.StartsWith(p, StringComparison.OrdinalIgnoreCase)) is { } prefix
            ? $"Containers whose names start with '{prefix}' hold the service's own data on this account; choose another name."
            : null;
    }

    /// <summary>Throws unless a tenant may read or write a table; the last line of defence behind request validation.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="connection">The connection name.</param>
    /// <param name="table">The table name.</param>
    /// <exception cref="UnauthorizedAccessException">The tenant may not use it.</exception>
    public void DemandTable(string tenant, string? connection, string table)
    {
        if (CheckTable(tenant, connection, table) is { } denied)
        {
            throw new UnauthorizedAccessException(denied);
        }
    }

    /// <summary>Throws unless a tenant may read or write a blob container; the last line of defence behind request validation.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="connection">The connection name.</param>
    /// <param name="container">The container name.</param>
    /// <exception cref="UnauthorizedAccessException">The tenant may not use it.</exception>
    public void DemandContainer(string tenant, string? connection, string container)
    {
        if (CheckContainer(tenant, connection, container) is { } denied)
        {
            throw new UnauthorizedAccessException(denied);
        }
    }

    // Another connection name may point at the host's account too: compare the endpoints, not the names.
    private bool IsHostAccount(string? connection, bool tables) =>
        tables
            ? _connections.Tables(connection).Uri == _connections.Tables().Uri
            : _connections.Blobs(connection).Uri == _connections.Blobs().Uri;
}
