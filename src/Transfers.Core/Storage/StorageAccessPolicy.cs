using Microsoft.Extensions.Configuration;
using Transfers.Core.DurableTask;
using Transfers.Core.Tenants;
using Transfers.Core.Warehouse;

namespace Transfers.Core.Storage;

/// <summary>
/// Decides which storage and PostgreSQL warehouses a tenant may name as a source or destination. Two rules:
/// <list type="bullet">
/// <item>A tenant reaches only the connections granted to it (<see cref="ConnectionGrantStore"/>): none unless the admin
/// granted one, in settings or through the admin API. A grant may confine the tenant to containers and tables (on a
/// PostgreSQL connection: schemas) whose names start with a prefix, so that several tenants can share one account or
/// server.</item>
/// <item>On the host's own account (whatever connection name points at it) the service's own tables
/// (<see cref="ServiceTables"/>, the task hub's) and containers are off limits even to a tenant granted the whole
/// account: records, API key hashes, SAS URLs, durable history and the deployment package live there.</item>
/// </list>
/// </summary>
public sealed class StorageAccessPolicy
{
    // The Functions host's own containers and the Flex Consumption deployment package (infra/main.bicep).
    private static readonly string[] s_serviceContainerPrefixes = ["azure-webjobs-", "app-package-"];

    private readonly StorageConnections _connections;
    private readonly PostgresConnections _postgres;
    private readonly ConnectionGrantStore _grants;
    private readonly IConfiguration _configuration;

    /// <summary>Initializes a new instance of the <see cref="StorageAccessPolicy"/> class.</summary>
    /// <param name="connections">Resolves connection names to accounts.</param>
    /// <param name="postgres">Tells which connection names are PostgreSQL servers.</param>
    /// <param name="grants">The connections granted to each tenant.</param>
    /// <param name="configuration">Holds the task hub name.</param>
    public StorageAccessPolicy(StorageConnections connections, PostgresConnections postgres, ConnectionGrantStore grants, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(postgres);
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(configuration);
        _connections = connections;
        _postgres = postgres;
        _grants = grants;
        _configuration = configuration;
    }

    /// <summary>Reads a tenant's grants and returns its checks, for one request or one step that moves data.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The tenant's view of this policy.</returns>
    public async Task<TenantStorageAccess> ForTenantAsync(string tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return ForTenant(tenant, await _grants.ListAsync(tenant, cancellationToken));
    }

    /// <summary>The checks of a tenant whose grants were read already.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="grants">The tenant's grants.</param>
    /// <returns>The tenant's view of this policy.</returns>
    public TenantStorageAccess ForTenant(string tenant, IReadOnlyList<ConnectionGrant> grants)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(grants);
        return new TenantStorageAccess(this, tenant, grants);
    }

    /// <summary>Whether a storage connection is configured.</summary>
    /// <param name="connection">The connection name.</param>
    /// <returns><c>true</c> when it can be resolved.</returns>
    internal bool IsStorage(string connection) => _connections.Exists(connection);

    /// <summary>Whether a PostgreSQL connection is configured.</summary>
    /// <param name="connection">The connection name.</param>
    /// <returns><c>true</c> when it names a PostgreSQL server.</returns>
    internal bool IsPostgres(string connection) => _postgres.Exists(connection);

    /// <summary>Why a table on a connection is the service's own, or <c>null</c>.</summary>
    internal string? ReservedTable(string connection, string table)
    {
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

    /// <summary>
    /// Why a table prefix could make one of the service's own tables with some table name, or <c>null</c>. The prefix is
    /// judged alone (it must not begin a service table's name or the hub's, nor start with the hub's name), so that the
    /// decision needs no look at the names it will be paired with, which other requests may be adding at the same time.
    /// </summary>
    internal string? ReservedTablePrefix(string connection, string prefix)
    {
        if (!IsHostAccount(connection, tables: true))
        {
            return null;
        }

        var hub = TaskHubName.Resolve(_configuration);
        return ServiceTables.All.FirstOrDefault(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) is { } begun
            ? $"The table prefix '{prefix}' begins '{begun}', a name of the service's own tables on this account: with a table name it could make one; choose another prefix."
            : hub.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                ? $"The table prefix '{prefix}' begins '{hub}', the task hub's name, which starts the service's own tables on this account: with a table name it could make one; choose another prefix."
                : prefix.StartsWith(hub, StringComparison.OrdinalIgnoreCase)
                    ? $"Tables whose names start with '{hub}' hold the service's own records on this account; choose another prefix."
                    : null;
    }

    /// <summary>Why a container on a connection is the service's own, or <c>null</c>.</summary>
    internal string? ReservedContainer(string connection, string container)
    {
        var reserved = s_serviceContainerPrefixes.Append(TaskHubName.Resolve(_configuration).ToLowerInvariant() + "-");
        return IsHostAccount(connection, tables: false) && reserved.FirstOrDefault(p => container.StartsWith(p, StringComparison.OrdinalIgnoreCase)) is { } prefix
            ? $"Containers whose names start with '{prefix}' hold the service's own data on this account; choose another name."
            : null;
    }

    // Another connection name may point at the host's account too: compare the endpoints, not the names.
    private bool IsHostAccount(string connection, bool tables) =>
        tables
            ? _connections.Tables(connection).Uri == _connections.Tables().Uri
            : _connections.Blobs(connection).Uri == _connections.Blobs().Uri;
}
