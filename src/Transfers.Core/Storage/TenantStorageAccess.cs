namespace Transfers.Core.Storage;

/// <summary>The checks of <see cref="StorageAccessPolicy"/> for one tenant.</summary>
/// <param name="policy">The policy.</param>
/// <param name="tenant">The tenant.</param>
public sealed class TenantStorageAccess(StorageAccessPolicy policy, string tenant)
{
    /// <summary>Checks that the tenant may use a connection.</summary>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckConnection(string? connection) => policy.CheckConnection(tenant, connection);

    /// <summary>Checks that the tenant may read or write a table.</summary>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <param name="table">The table name.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckTable(string? connection, string table) => policy.CheckTable(tenant, connection, table);

    /// <summary>Checks that the tenant may read or write a blob container.</summary>
    /// <param name="connection">The connection name; <c>null</c> is the host's own account.</param>
    /// <param name="container">The container name.</param>
    /// <returns>Why not, or <c>null</c> when it may.</returns>
    public string? CheckContainer(string? connection, string container) => policy.CheckContainer(tenant, connection, container);
}
