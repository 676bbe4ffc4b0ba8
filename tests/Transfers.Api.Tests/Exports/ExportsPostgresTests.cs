using System.Globalization;
using System.Net;
using System.Text.Json;
using Transfers.Testing;

namespace Transfers.Api.Tests.Exports;

/// <summary>Exports to a postgres destination through the API, on Azurite and the test PostgreSQL server.</summary>
public sealed class ExportsPostgresTests(PostgresExportsApiFactory factory) : IClassFixture<PostgresExportsApiFactory>
{
    private const string Warehouse = PostgresExportsApiFactory.Warehouse;

    [Fact]
    public async Task Transfers_PostgresDestination_LandTheWindowOnceThenUpsertChangedAndNewRows()
    {
        // Arrange: 150 rows in 16 partitions, so that each model is read in parallel key ranges of several 40-row
        // chunks; one model with every column, one with two.
        using var client = await factory.CreateWarehouseTenantClientAsync();
        var source = Azurite.UniqueName("src");
        var schema = "s" + Guid.NewGuid().ToString("N")[..12];
        await ExportsCalls.SeedAsync(source, Enumerable.Range(0, 150), DateTimeOffset.UtcNow.AddMinutes(-5), partitions: 16);
        await ExportsCalls.CreateModelAsync(client, "orders", source);
        var (slimStatus, slim) = await ExportsCalls.PostAsync(client, "/models", new
        {
            model_name = "orders_slim", source_table = source, primary_key = new[] { "id" }, last_updated_at_column = "last_updated_at", columns = new[] { "id", "name" },
        });
        Assert.True(slimStatus == HttpStatusCode.OK, slim.ToString());
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "warehouse", vendor = "postgres", connection = Warehouse, schema });

        // Act: the first window, then one after 20 rows changed and 10 were added.
        var first = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));
        var firstRows = await VersionsAsync(schema);
        var changedAt = DateTimeOffset.UtcNow;
        await ExportsCalls.SeedAsync(source, [.. Enumerable.Range(0, 20), .. Enumerable.Range(150, 10)], changedAt, version: 2, partitions: 16);
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        var second = await ExportsCalls.WaitEndedAsync(client, await ExportsCalls.SubmitAsync(client, destination, new { }));
        var secondRows = await VersionsAsync(schema);
        var slimColumns = await factory.RowsAsync(
            $"SELECT attname FROM pg_attribute WHERE attrelid = '{schema}.orders_slim'::regclass AND attnum > 0 AND NOT attisdropped");
        var slimCount = await factory.RowsAsync($"SELECT count(*), count(DISTINCT id) FROM {schema}.orders_slim");

        // Assert
        Assert.Equal("SUCCESS", first.GetProperty("status").GetString());
        Assert.Equal(300, first.GetProperty("rows_transferred").GetInt64());
        Assert.All(first.GetProperty("model_metrics").EnumerateArray(), m =>
        {
            Assert.Equal(150, m.GetProperty("rows_transferred").GetInt64());
            Assert.True(m.GetProperty("bytes_transferred").GetInt64() > 0);
            Assert.Empty(m.GetProperty("files").EnumerateArray());
        });
        Assert.Equal(Enumerable.Range(0, 150).Select(i => (i, 1, $"row {i}")), firstRows);
        Assert.Equal("SUCCESS", second.GetProperty("status").GetString());
        Assert.Equal(60, second.GetProperty("rows_transferred").GetInt64());
        Assert.Equal(
            Enumerable.Range(0, 160).Select(i => (i, i is < 20 or >= 150 ? 2 : 1, $"row {i}")),
            secondRows);
        Assert.Equal(["id", "name"], slimColumns.Select(r => (string)r[0]!).Order());
        Assert.Equal<object?[]>([160L, 160L], Assert.Single(slimCount));
    }

    [Fact]
    public async Task CreateDestination_PostgresConnectionNotGranted_Returns400Envelope()
    {
        // Arrange: a tenant granted the host's account only.
        using var client = await factory.CreateTenantClientAsync();

        // Act
        var (status, body) = await ExportsCalls.PostAsync(client, "/destinations", new { name = "w", vendor = "postgres", connection = Warehouse, schema = "sales" });
        var (_, listed) = await ExportsCalls.GetAsync(client, "/destinations");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.StartsWith($"connection: The PostgreSQL connection '{Warehouse}' is not granted to this tenant", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, listed.GetProperty("data").GetProperty("destinations").GetArrayLength());
    }

    [Fact]
    public async Task Destinations_Postgres_ShowSchemaAndRefuseWrongConnectionKindsAndUpperCaseModelNames()
    {
        // Arrange: a model whose name is no table name a postgres destination accepts; a destination enabling no model
        // does not receive it.
        using var client = await factory.CreateWarehouseTenantClientAsync();
        await ExportsCalls.CreateModelAsync(client, "Orders", Azurite.UniqueName("src"));

        // Act
        var (upperStatus, upper) = await ExportsCalls.PostAsync(client, "/destinations", new { name = "w", vendor = "postgres", connection = Warehouse, schema = "sales" });
        var id = await ExportsCalls.CreateDestinationAsync(client, new { name = "w", vendor = "postgres", connection = Warehouse, schema = "sales", enabled_models = Array.Empty<string>() });
        var (_, shown) = await ExportsCalls.GetAsync(client, $"/destinations/{id}");
        var (blobStatus, blob) = await ExportsCalls.PostAsync(client, "/destinations", new { name = "b", vendor = "azure_blob_storage", connection = Warehouse, bucket_name = "bucket" });
        var (storageStatus, storage) = await ExportsCalls.PostAsync(client, "/destinations", new { name = "p", vendor = "postgres", schema = "sales" });
        var (csvStatus, csv) = await ExportsCalls.PostAsync(client, "/destinations", new { name = "p", vendor = "postgres", connection = Warehouse, schema = "sales", format = "csv" });
        using var patch = await client.PatchAsync($"/destinations/{id}", new StringContent("""{"schema":"Sales"}""", System.Text.Encoding.UTF8, "application/json"));
        var patched = JsonDocument.Parse(await patch.Content.ReadAsStringAsync()).RootElement;

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, upperStatus);
        Assert.StartsWith("model 'Orders' makes the table name 'Orders' in schema 'sales'", upper.GetProperty("message").GetString(), StringComparison.Ordinal);
        var data = shown.GetProperty("data");
        Assert.Equal("postgres", data.GetProperty("vendor").GetString());
        Assert.Equal(Warehouse, data.GetProperty("connection").GetString());
        Assert.Equal("sales", data.GetProperty("schema").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("bucket_name").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, blobStatus);
        Assert.StartsWith($"connection: The connection '{Warehouse}' is a PostgreSQL connection, not storage", blob.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, storageStatus);
        Assert.Equal("connection: The connection 'default' is a storage connection, not PostgreSQL.", storage.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, csvStatus);
        Assert.StartsWith("format and compression apply to azure_blob_storage destinations only", csv.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        Assert.StartsWith("schema must be 1-63 lower-case letters", patched.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateModel_UpperCaseNameWithAPostgresDestination_Returns400Envelope()
    {
        // Arrange
        using var client = await factory.CreateWarehouseTenantClientAsync();
        await ExportsCalls.CreateDestinationAsync(client, new { name = "w", vendor = "postgres", connection = Warehouse, schema = "sales" });

        // Act
        var (status, body) = await ExportsCalls.PostAsync(client, "/models", new { model_name = "Orders", source_table = "orderssrc", primary_key = new[] { "id" }, last_updated_at_column = "u" });
        var (lowerStatus, _) = await ExportsCalls.PostAsync(client, "/models", new { model_name = "orders", source_table = "orderssrc", primary_key = new[] { "id" }, last_updated_at_column = "u" });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("model 'Orders' makes the table name 'Orders' in schema 'sales'", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, lowerStatus);
    }

    /// <summary>The rows of the model <c>orders</c> as (id, version, name), by id.</summary>
    private async Task<List<(int Id, int Version, string Name)>> VersionsAsync(string schema) =>
        [.. (await factory.RowsAsync($"SELECT id, version, name FROM {schema}.orders"))
            .Select(r => (int.Parse((string)r[0]!, CultureInfo.InvariantCulture), (int)r[1]!, (string)r[2]!))
            .OrderBy(r => r.Item1)];
}
