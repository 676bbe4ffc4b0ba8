using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Transfers.Core.Storage;
using Transfers.Core.Warehouse;
using Transfers.Testing;

namespace Transfers.Core.Tests.Warehouse;

public sealed class PostgresConnectionsTests
{
    private const string HostAccount = "UseDevelopmentStorage=true";
    private const string Warehouse = "Host=pg.example.com;Port=6543;Username=loader;Password=secret;Database=analytics";

    [Theory]
    [InlineData("Host=127.0.0.1;Port=15432;Username=transfers;Password=p;Database=postgres")]
    [InlineData("Server=pg.example.com;User Id=u;Password=p")]
    public void Exists_NpgsqlConnectionString_IsPostgresAndNotStorage(string value)
    {
        // Arrange
        var services = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:warehouse"] = value });

        // Act
        var postgres = services.GetRequiredService<PostgresConnections>().Exists("warehouse");
        var storage = services.GetRequiredService<StorageConnections>().Exists("warehouse");

        // Assert
        Assert.True(postgres);
        Assert.False(storage);
    }

    [Theory]
    [InlineData(HostAccount)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=partner;AccountKey=a2V5;EndpointSuffix=core.windows.net")]
    [InlineData("BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=sv=1")]
    [InlineData("not a connection string")]
    public void Exists_StorageConnectionString_IsNotPostgres(string value)
    {
        var services = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:partner"] = value });

        var postgres = services.GetRequiredService<PostgresConnections>();

        Assert.False(postgres.Exists("partner"));
        Assert.False(postgres.Exists(null));
        Assert.Throws<InvalidOperationException>(() => postgres.Get("partner"));
    }

    [Fact]
    public void TablesAndBlobs_PostgresConnection_ThrowSayingItIsNotStorage()
    {
        // Arrange
        var storage = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:warehouse"] = Warehouse })
            .GetRequiredService<StorageConnections>();

        // Act
        var tables = Assert.Throws<InvalidOperationException>(() => storage.Tables("warehouse"));
        var blobs = Assert.Throws<InvalidOperationException>(() => storage.Blobs("warehouse"));

        // Assert
        Assert.Equal("The connection 'warehouse' is a PostgreSQL connection, not storage.", tables.Message);
        Assert.Equal(tables.Message, blobs.Message);
    }

    [Fact]
    public void Describe_ConnectionString_NamesHostPortAndDatabaseOnly()
    {
        var postgres = Create(new() { ["Transfers:Connections:warehouse"] = Warehouse }).GetRequiredService<PostgresConnections>();

        var server = postgres.Describe("WAREHOUSE");

        Assert.Equal(new PostgresServer("pg.example.com", 6543, "analytics"), server);
    }

    [Fact]
    public void Get_IdentitySection_BuildsATokenDataSourceWithoutPasswordAndWithTls()
    {
        // Arrange: Azure's shape, a section the Bicep writes; no password anywhere.
        var services = Create(new()
        {
            ["AzureWebJobsStorage"] = HostAccount,
            ["Transfers:Connections:warehouse:host"] = "srv.postgres.database.azure.com",
            ["Transfers:Connections:warehouse:database"] = "warehouse",
            ["Transfers:Connections:warehouse:username"] = "id-transfers",
            ["Transfers:Connections:warehouse:clientId"] = "00000000-0000-0000-0000-000000000001",
        });
        var postgres = services.GetRequiredService<PostgresConnections>();

        // Act
        var source = postgres.Get("warehouse");
        var settings = new NpgsqlConnectionStringBuilder(source.ConnectionString);

        // Assert
        Assert.Same(source, postgres.Get("Warehouse"));
        Assert.Equal("srv.postgres.database.azure.com", settings.Host);
        Assert.Equal(5432, settings.Port);
        Assert.Equal("warehouse", settings.Database);
        Assert.Equal("id-transfers", settings.Username);
        Assert.Null(settings.Password);
        Assert.Equal(SslMode.Require, settings.SslMode);
        Assert.Equal(new PostgresServer("srv.postgres.database.azure.com", 5432, "warehouse"), postgres.Describe("warehouse"));
        Assert.True(postgres.Exists("warehouse"));
        Assert.False(services.GetRequiredService<StorageConnections>().Exists("warehouse"));
        Assert.Contains("PostgreSQL connection, not storage", Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<StorageConnections>().Tables("warehouse")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_IdentitySectionWithoutUsername_ThrowsNamingTheSetting()
    {
        var postgres = Create(new() { ["Transfers:Connections:warehouse:host"] = "srv.postgres.database.azure.com" }).GetRequiredService<PostgresConnections>();

        var error = Assert.Throws<InvalidOperationException>(() => postgres.Get("warehouse"));

        Assert.True(postgres.Exists("warehouse"));
        Assert.Contains("Transfers:Connections:warehouse:username", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_UnknownName_ThrowsNamingTheSetting()
    {
        var postgres = Create(new() { ["AzureWebJobsStorage"] = HostAccount }).GetRequiredService<PostgresConnections>();

        var error = Assert.Throws<InvalidOperationException>(() => postgres.Get("missing"));

        Assert.False(postgres.Exists("missing"));
        Assert.Equal("No PostgreSQL connection named 'missing' is configured (Transfers:Connections:missing).", error.Message);
        Assert.Throws<InvalidOperationException>(() => postgres.Describe("missing"));
    }

    [Fact]
    public async Task Get_RealServer_OpensTheDatabaseAndRunsAQueryAsync()
    {
        // Arrange: a database of this test on the server ./test.sh started, through the data sources port.
        var database = await Postgres.CreateDatabaseAsync("pgconn");
        var services = Create(new() { ["AzureWebJobsStorage"] = HostAccount, ["Transfers:Connections:warehouse"] = database });
        var sources = services.GetRequiredService<IPostgresDataSources>();
        var source = sources.Get("warehouse");

        // Act
        string name;
        int answer;
        await using (var command = source.CreateCommand("SELECT current_database(), 6 * 7"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            (name, answer) = (reader.GetString(0), reader.GetInt32(1));
        }

        await services.DisposeAsync();

        // Assert: the data source is the container's, disposed with it.
        Assert.Equal(new NpgsqlConnectionStringBuilder(database).Database, name);
        Assert.Equal(42, answer);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => source.OpenConnectionAsync().AsTask());
    }

    private static ServiceProvider Create(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddTransfersCore();
        return services.BuildServiceProvider();
    }
}
