using Npgsql;

namespace Transfers.Core.Warehouse;

/// <summary>Opens the PostgreSQL warehouses configured as named connections (<c>Transfers:Connections:&lt;name&gt;</c>).</summary>
public interface IPostgresDataSources
{
    /// <summary>Gets the data source of a named PostgreSQL connection, shared per name.</summary>
    /// <param name="connection">The connection name.</param>
    /// <returns>The data source.</returns>
    /// <exception cref="InvalidOperationException">No PostgreSQL connection of that name is configured.</exception>
    NpgsqlDataSource Get(string connection);
}
