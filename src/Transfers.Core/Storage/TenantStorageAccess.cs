using Transfers.Core.Tenants;
using Transfers.Core.Warehouse;

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
    public string? CheckConnection(string? connection) => Grant(connection, null, out _);

    /// <summary>Checks that the tenant may use a connection and that it is a storage connection.</summary>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckStorageConnection(string? connection) => Grant(connection, ConnectionKind.Storage, out _);

    /// <summary>Checks that the tenant may use a connection and that it is a PostgreSQL connection.</summary>
    /// <param name="connection">The connection name.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckPostgresConnection(string? connection) => Grant(connection, ConnectionKind.Postgres, out _);

    /// <summary>Checks that the tenant may read or write a table.</summary>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <param name="table">The table name.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckTable(string? connection, string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Grant(connection, ConnectionKind.Storage, out var grant)
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
        return Grant(connection, ConnectionKind.Storage, out var grant)
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
        return Grant(connection, ConnectionKind.Storage, out var grant)
            ?? OutsidePrefix(grant!, container, "containers")
            ?? _policy.ReservedContainer(grant!.Connection, container);
    }

    /// <summary>Checks that the tenant may create, load and read a schema on a PostgreSQL connection.</summary>
    /// <param name="connection">The PostgreSQL connection name.</param>
    /// <param name="schema">The schema name.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckSchema(string? connection, string schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return Grant(connection, ConnectionKind.Postgres, out var grant)
            ?? OutsidePrefix(grant!, schema, "schemas", ConnectionKind.Postgres)
            ?? PostgresNames.SchemaProblem(schema);
    }

    /// <summary>Throws unless the tenant may use a schema on a PostgreSQL connection; the last line of defence behind request validation.</summary>
    /// <param name="connection">The PostgreSQL connection name.</param>
    /// <param name="schema">The schema name.</param>
    /// <exception cref="UnauthorizedAccessException">The tenant may not use it.</exception>
    public void DemandSchema(string? connection, string schema)
    {
        if (CheckSchema(connection, schema) is { } denied)
        {
            throw new UnauthorizedAccessException(denied);
        }
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

    // The connection must be configured as the kind the check needs (either kind when null) and granted to the tenant.
    private string? Grant(string? connection, ConnectionKind? needed, out ConnectionGrant? grant)
    {
        var name = string.IsNullOrWhiteSpace(connection) ? StorageConnections.DefaultName : connection;
        grant = _grants.FirstOrDefault(g => g.Connection.Equals(name, StringComparison.OrdinalIgnoreCase));
        ConnectionKind? kind = _policy.IsStorage(name) ? ConnectionKind.Storage : _policy.IsPostgres(name) ? ConnectionKind.Postgres : null;
        return kind is null ? needed == ConnectionKind.Postgres ? $"No PostgreSQL connection named '{name}' is configured." : $"No storage connection named '{name}' is configured."
            : needed is { } k && k != kind ? k == ConnectionKind.Postgres
                ? $"The connection '{name}' is a storage connection, not PostgreSQL."
                : $"The connection '{name}' is a PostgreSQL connection, not storage; name a storage connection."
            : grant is null ? $"The {Describe(kind.Value)} connection '{name}' is not granted to this tenant; the admin grants connections (POST /admin/tenants/{{tenant}}/connections)."
            : null;
    }

    private static string Describe(ConnectionKind kind) => kind == ConnectionKind.Postgres ? "PostgreSQL" : "storage";

    // Names of Azure Tables are case-insensitive; container names are lower case, as prefixes are. PostgreSQL schema
    // names are compared exactly: quoted names are case-sensitive.
    private static string? OutsidePrefix(ConnectionGrant grant, string name, string what, ConnectionKind kind = ConnectionKind.Storage) =>
        grant.Prefix is { } prefix && !name.StartsWith(prefix, kind == ConnectionKind.Postgres ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase)
            ? $"On the {Describe(kind)} connection '{grant.Connection}' this tenant may name only {what} that start with '{prefix}'."
            : null;

    private enum ConnectionKind
    {
        Storage,
        Postgres,
    }
}
