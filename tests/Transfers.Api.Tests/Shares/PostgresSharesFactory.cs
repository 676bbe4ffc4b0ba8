using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Transfers.Testing;

namespace Transfers.Api.Tests.Shares;

/// <summary>
/// <see cref="SharesFactory"/> with a PostgreSQL connection <c>warehouse</c> on a database of its own, granted to no
/// tenant (each test grants it through the admin API), and warehouse chunks of 7 rows so that a few rows load in several.
/// </summary>
public sealed class PostgresSharesFactory : SharesFactory, IAsyncLifetime
{
    public const string Warehouse = "warehouse";

    public const int ChunkRows = 7;

    private string? _database;

    /// <summary>Gets the connection string of the warehouse database, with the administrative login.</summary>
    public string Database => _database ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() => _database = await Postgres.CreateDatabaseAsync("shares");

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    /// <summary>Issues a key for a new tenant granted the host's account and the warehouse (under a schema prefix, if given).</summary>
    public async Task<HttpClient> CreateWarehouseTenantClientAsync(string? schemaPrefix = null)
    {
        using var admin = CreateClient(AdminKey);
        var tenant = Azurite.UniqueName("t");
        var key = await TenantKeys.IssueWithHostAccountAsync(admin, tenant);
        using var granted = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/connections", new { connection = Warehouse, prefix = schemaPrefix });
        granted.EnsureSuccessStatusCode();
        return CreateClient(key);
    }

    /// <summary>Runs a scalar query on the warehouse database as its administrative login.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Transfers:Connections:{Warehouse}"] = Database,
            ["Transfers:Shares:WarehouseChunkRows"] = ChunkRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
    }
}
