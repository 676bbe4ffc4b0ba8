using Transfers.Core.Tenants;

namespace Transfers.Core.Storage;

/// <summary>
/// The checks of <see cref="StorageAccessPolicy"/> for one tenant, over the grants read when it was made: request
/// validation asks them when a request is saved, and the activities that move data again before every step.
/// </summary>
public sealed class TenantStorageAccess
{
    private readonly StorageAccessPolicy _policy;
    private readonly IReadOnlyList<ConnectionGrant> _grants;

    /// <summary>Initializes a new instance of the <see cref="TenantStorageAccess"/> class.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="tenant">The tenant.</param>
    /// <param name="grants">The tenant's grants.</param>
    internal TenantStorageAccess(StorageAccessPolicy policy, string tenant, IReadOnlyList<ConnectionGrant> grants)
    {
        _policy = policy;
        Tenant = tenant;
        _grants = grants;
    }

    /// <summary>Gets the tenant.</summary>
    public string Tenant { get; }

    /// <summary>Checks that the tenant may use a connection.</summary>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckConnection(string? connection) => Grant(connection, out _);

    /// <summary>Checks that the tenant may read or write a table.</summary>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <param name="table">The table name.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckTable(string? connection, string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Grant(connection, out var grant)
            ?? OutsidePrefix(grant!, table, "tables")
            ?? _policy.ReservedTable(grant!.Connection, table);
    }

    /// <summary>Checks that the tenant may name a prefix of table names (a destination's table prefix).</summary>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <param name="tablePrefix">The table prefix.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckTablePrefix(string? connection, string tablePrefix)
    {
        ArgumentNullException.ThrowIfNull(tablePrefix);
        return Grant(connection, out var grant)
            ?? OutsidePrefix(grant!, tablePrefix, "table prefixes")
            ?? _policy.ReservedTablePrefix(grant!.Connection, tablePrefix);
    }

    /// <summary>Checks that the tenant may read or write a blob container.</summary>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <param name="container">The container name.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckContainer(string? connection, string container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return Grant(connection, out var grant)
            ?? OutsidePrefix(grant!, container, "containers")
            ?? _policy.ReservedContainer(grant!.Connection, container);
    }

    /// <summary>Throws unless the tenant may read or write a table; the last line of defence behind request validation.</summary>
    /// <param name="connection">The connection name.</param>
    /// <param name="table">The table name.</param>
    /// <exception cref="UnauthorizedAccessException">The tenant may not use it.</exception>
    public void DemandTable(string? connection, string table)
    {
        if (CheckTable(connection, table) is { } denied)
        {
            throw new UnauthorizedAccessException(denied);
        }
    }

    /// <summary>Throws unless the tenant may read or write a blob container; the last line of defence behind request validation.</summary>
    /// <param name="connection">The connection name.</param>
    /// <param name="container">The container name.</param>
    /// <exception cref="UnauthorizedAccessException">The tenant may not use it.</exception>
    public void DemandContainer(string? connection, string container)
    {
        if (CheckContainer(connection, container) is { } denied)
        {
            throw new UnauthorizedAccessException(denied);
        }
    }

    private string? Grant(string? connection, out ConnectionGrant? grant)
    {
        var name = string.IsNullOrWhiteSpace(connection) ? StorageConnections.DefaultName : connection;
        grant = _grants.FirstOrDefault(g => g.Connection.Equals(name, StringComparison.OrdinalIgnoreCase));
        return !_policy.Exists(name) ? $"No storage connection named '{name}' is configured."
            : grant is null ? $"The storage connection '{name}' is not granted to this tenant; the admin grants connections (POST /admin/tenants/{{tenant}}/connections)."
            : null;
    }

    // Names of Azure Tables are case-insensitive; container names are lower case, as prefixes are.
    private static string? OutsidePrefix(ConnectionGrant grant, string name, string what) =>
        grant.Prefix is { } prefix && !name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? $"On the storage connection '{grant.Connection}' this tenant may name only {what} that start with '{prefix}'."
            : null;
}
