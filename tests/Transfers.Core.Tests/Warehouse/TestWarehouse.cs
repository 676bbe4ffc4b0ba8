using Npgsql;
using Transfers.Core.Warehouse;
using Transfers.Testing;

namespace Transfers.Core.Tests.Warehouse;

/// <summary>A fresh database on the test server, as the one named connection every name resolves to.</summary>
internal sealed class TestWarehouse : IPostgresDataSources, IAsyncDisposable
{
    private TestWarehouse(string connectionString)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<TestWarehouse> CreateAsync() => new(await Postgres.CreateDatabaseAsync("wh"));

    public NpgsqlDataSource Get(string connection) => DataSource;

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public Task<List<object?[]>> RowsAsync(string sql) => Postgres.RowsAsync(DataSource, sql);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
