using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Transfers.Testing;

namespace Transfers.Api.Tests.Exports;

/// <summary>The local host in memory with its own task hub and Exports settings that make transfers quick to observe.</summary>
public class ExportsApiFactory : WebApplicationFactory<Program>
{
    /// <summary>The rows per file (and per chunk) the tests run with, small so that models span several chunks.</summary>
    public const int RowsPerFile = 40;

    private readonly string _hub = Azurite.UniqueName("exhub");

    /// <summary>Issues a key for a new tenant granted the host's account and returns a client that sends it.</summary>
    /// <returns>The client.</returns>
    public async Task<HttpClient> CreateTenantClientAsync()
    {
        using var admin = CreateClient();
        admin.DefaultRequestHeaders.Add("X-API-KEY", TransfersApiFactory.AdminKey);
        var key = await TenantKeys.IssueWithHostAccountAsync(admin, Azurite.UniqueName("t"));
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-API-KEY", key);
        return client;
    }

    /// <summary>Gets the durable backend the host runs (<c>Transfers:Durable:Backend</c>).</summary>
    protected virtual string Backend => "Embedded";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // A host setting: the host reads it while registering its services, before the app configuration below applies.
        builder.UseSetting("Transfers:Durable:Backend", Backend);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Transfers:AdminApiKey"] = TransfersApiFactory.AdminKey,
            ["Transfers:Grants:default:default"] = "*",

            // Other tests share these record tables under other task hubs: a pass here would schedule their records in this hub.
            ["Transfers:Reconcile:Enabled"] = "false",
            ["Transfers:Durable:HubName"] = _hub,
            ["Transfers:Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:00.200",
            ["Transfers:Durable:PollingIntervalMax"] = "00:00:00.500",
            ["Transfers:Exports:RowsPerFile"] = RowsPerFile.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Transfers:Exports:QueuePollInterval"] = "00:00:00.200",
            ["Transfers:Exports:ActivityMaxAttempts"] = "2",
            ["Transfers:Exports:ActivityFirstRetryInterval"] = "00:00:00.200",
        }));
    }
}

/// <summary>The same host on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageExportsApiFactory : ExportsApiFactory
{
    protected override string Backend => "AzureStorage";
}

/// <summary>
/// The same host with a database of its own on the test PostgreSQL server as the connection <see cref="Warehouse"/>,
/// granted to no tenant until a test asks.
/// </summary>
public sealed class PostgresExportsApiFactory : ExportsApiFactory, IAsyncLifetime
{
    /// <summary>The name of the PostgreSQL connection.</summary>
    public const string Warehouse = "warehouse";

    private string? _database;

    /// <summary>Gets the database behind <see cref="Warehouse"/>, to read what transfers loaded.</summary>
    public NpgsqlDataSource Database { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _database = await Postgres.CreateDatabaseAsync("exapi");
        Database = NpgsqlDataSource.Create(_database);
    }

    /// <inheritdoc/>
    Task IAsyncLifetime.DisposeAsync() => Database.DisposeAsync().AsTask();

    /// <summary>Issues a key for a new tenant granted the host's account and the warehouse, and returns a client that sends it.</summary>
    /// <returns>The client.</returns>
    public async Task<HttpClient> CreateWarehouseTenantClientAsync()
    {
        using var admin = CreateClient();
        admin.DefaultRequestHeaders.Add("X-API-KEY", TransfersApiFactory.AdminKey);
        var tenant = Azurite.UniqueName("t");
        var key = await TenantKeys.IssueWithHostAccountAsync(admin, tenant);
        using var granted = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/connections", new { connection = Warehouse });
        granted.EnsureSuccessStatusCode();
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-API-KEY", key);
        return client;
    }

    /// <summary>Runs a query on the warehouse and returns its rows.</summary>
    /// <param name="sql">The query.</param>
    /// <returns>The rows, values in column order.</returns>
    public Task<List<object?[]>> RowsAsync(string sql) => Postgres.RowsAsync(Database, sql);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Transfers:Connections:{Warehouse}"] = _database ?? throw new InvalidOperationException("The database is created in InitializeAsync."),

            // The sample settings grant run.sh's warehouse to tenant default; these tests grant it per tenant.
            [$"Transfers:Grants:default:{Warehouse}"] = string.Empty,
        }));
    }
}

/// <summary>Calls of the Exports API and source-table seeding shared by the tests.</summary>
public static class ExportsCalls
{
    /// <summary>Seeds a source table: rows <c>id</c> in partitions <c>p{id % partitions}</c>, updated at <paramref name="updatedAt"/>.</summary>
    /// <param name="table">The table name.</param>
    /// <param name="ids">The row ids.</param>
    /// <param name="updatedAt">The last_updated_at of every row.</param>
    /// <param name="version">A value written to each row, to tell versions apart.</param>
    /// <param name="partitions">How many partitions the rows spread over.</param>
    /// <returns>A task that completes when written.</returns>
    public static async Task SeedAsync(string table, IEnumerable<int> ids, DateTimeOffset updatedAt, int version = 1, int partitions = 4)
    {
        var client = Azurite.Tables.GetTableClient(table);
        await client.CreateIfNotExistsAsync();

        // 100-entity transactions of different partitions, many in flight: large seeds take seconds, not minutes.
        var writer = new Transfers.Core.Tabular.TableBatchWriter(client, maxParallelBatches: 32);
        foreach (var id in ids)
        {
            await writer.AddAsync(new TableEntity($"p{id % partitions}", id.ToString("D6", System.Globalization.CultureInfo.InvariantCulture))
            {
                ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["name"] = $"row {id}",
                ["version"] = version,
                ["last_updated_at"] = updatedAt,
            });
        }

        await writer.FlushAsync();
    }

    /// <summary>Posts JSON and returns the status and parsed body.</summary>
    /// <param name="client">The client.</param>
    /// <param name="path">The path.</param>
    /// <param name="body">The body, serialized as is.</param>
    /// <returns>The response status and JSON body.</returns>
    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>Posts raw text as JSON.</summary>
    /// <param name="client">The client.</param>
    /// <param name="path">The path.</param>
    /// <param name="raw">The body text.</param>
    /// <returns>The response status and JSON body.</returns>
    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> PostRawAsync(HttpClient client, string path, string raw)
    {
        using var content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>Gets a path.</summary>
    /// <param name="client">The client.</param>
    /// <param name="path">The path.</param>
    /// <returns>The response status and JSON body.</returns>
    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>Creates a model over a source table with primary key <c>id</c>.</summary>
    /// <param name="client">The tenant client.</param>
    /// <param name="name">The model name.</param>
    /// <param name="table">The source table.</param>
    /// <returns>A task that completes when created.</returns>
    public static async Task CreateModelAsync(HttpClient client, string name, string table)
    {
        var (status, body) = await PostAsync(client, "/models", new { model_name = name, source_table = table, primary_key = new[] { "id" }, last_updated_at_column = "last_updated_at" });
        Assert.True(status == System.Net.HttpStatusCode.OK, body.ToString());
    }

    /// <summary>Creates a destination and returns its id.</summary>
    /// <param name="client">The tenant client.</param>
    /// <param name="body">The destination body.</param>
    /// <returns>The destination id.</returns>
    public static async Task<string> CreateDestinationAsync(HttpClient client, object body)
    {
        var (status, json) = await PostAsync(client, "/destinations", body);
        Assert.True(status == System.Net.HttpStatusCode.OK, json.ToString());
        return json.GetProperty("data").GetProperty("id").GetString()!;
    }

    /// <summary>Submits a transfer and returns its id.</summary>
    /// <param name="client">The tenant client.</param>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="body">The request body.</param>
    /// <returns>The transfer id.</returns>
    public static async Task<string> SubmitAsync(HttpClient client, string destinationId, object body)
    {
        var (status, json) = await PostAsync(client, $"/destinations/{destinationId}/transfer", body);
        Assert.True(status == System.Net.HttpStatusCode.OK, json.ToString());
        return json.GetProperty("data").GetProperty("transfer_id").GetString()!;
    }

    /// <summary>Waits until a transfer ends and returns it.</summary>
    /// <param name="client">The tenant client.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The transfer's <c>data</c>.</returns>
    public static async Task<JsonElement> WaitEndedAsync(HttpClient client, string transferId, TimeSpan? timeout = null)
    {
        var body = await Eventually.MatchAsync(
            async () => (await GetAsync(client, $"/transfers/{transferId}")).Body,
            b => b.GetProperty("data").GetProperty("status").GetString() is "SUCCESS" or "PARTIAL_FAILURE" or "ERROR" or "CANCELLED",
            timeout ?? TimeSpan.FromSeconds(180));
        return body.GetProperty("data");
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
