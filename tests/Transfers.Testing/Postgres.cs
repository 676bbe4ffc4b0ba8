using Npgsql;

namespace Transfers.Testing;

/// <summary>
/// The PostgreSQL server the tests run against: the one <c>./test.sh</c> started, named by the
/// <c>TRANSFERS_TEST_POSTGRES</c> connection string. Each test class takes a database of its own.
/// </summary>
public static class Postgres
{
    /// <summary>Gets the connection string of the test server's administrative login.</summary>
    public static string ConnectionString { get; } =
        Environment.GetEnvironmentVariable("TRANSFERS_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("TRANSFERS_TEST_POSTGRES is not set: run the tests through ./test.sh, which starts PostgreSQL.");

    /// <summary>Creates an empty database no other test uses.</summary>
    /// <param name="prefix">A readable prefix of lower-case letters.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The connection string of the new database, with the administrative login.</returns>
    public static async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var name = Azurite.UniqueName(prefix);
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Runs a query and returns its rows.</summary>
    /// <param name="database">The database.</param>
    /// <param name="sql">The query.</param>
    /// <returns>The rows, values in column order (<c>null</c> for SQL NULL).</returns>
    public static async Task<List<object?[]>> RowsAsync(NpgsqlDataSource database, string sql)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
