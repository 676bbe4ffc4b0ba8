using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Npgsql;
using Transfers.Testing;

namespace Transfers.Api.Tests.Shares;

/// <summary>Shares with a postgres destination: validation, loading per pattern through the API, and the consumer's read-only access.</summary>
public sealed class PostgresShareTests(PostgresSharesFactory factory) : IClassFixture<PostgresSharesFactory>
{
    private const string ValidSource = """{"container":"source-box"}""";

    public static TheoryData<string, string, string> InvalidDestinations => new()
    {
        { """{"kind":"postgres","connection":"warehouse"}""", "destination.schema", "schema is required." },
        { """{"kind":"postgres","connection":"warehouse","schema":"Sales"}""", "destination.schema", "schema must be 1-63 lower-case letters, digits or underscores" },
        { """{"kind":"postgres","connection":"warehouse","schema":"pg_sales"}""", "destination.schema", "The schema 'pg_sales' is reserved" },
        { """{"kind":"postgres","connection":"warehouse","schema":"transfers_state"}""", "destination.schema", "The schema 'transfers_state' is reserved" },
        { """{"kind":"postgres","schema":"sales"}""", "destination.connection", "The connection 'default' is a storage connection, not PostgreSQL." },
        { """{"kind":"postgres","connection":"nowhere","schema":"sales"}""", "destination.connection", "No PostgreSQL connection named 'nowhere' is configured." },
        { """{"kind":"files","connection":"warehouse","container":"dest-box"}""", "destination.connection", "The connection 'warehouse' is a PostgreSQL connection, not storage" },
        { """{"kind":"table","connection":"warehouse","tablePrefix":"shared"}""", "destination.connection", "The connection 'warehouse' is a PostgreSQL connection, not storage" },
        { """{"kind":"postgres","connection":"warehouse","schema":"sales","tablePrefix":"x"}""", "destination.tablePrefix", "tablePrefix belongs to a table destination" },
        { """{"kind":"postgres","connection":"warehouse","schema":"sales","container":"dest-box"}""", "destination.container", "container belongs to a files destination." },
        { """{"kind":"postgres","connection":"warehouse","schema":"sales","prefix":"p"}""", "destination.prefix", "prefix belongs to a files destination." },
        { """{"kind":"table","tablePrefix":"shared","schema":"sales"}""", "destination.schema", "schema belongs to a postgres destination." },
    };

    public static TheoryData<string, string, string> InvalidTransfers => new()
    {
        { """{"transferEntity":[{"type":"table","name":"Orders","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""", "transferEntity[0].name", "name, for a postgres destination, must be 1-63 lower-case letters" },
        { """{"transferEntity":{"type":"files","pathNames":["a/"]}}""", "transferEntity", "Files need a files destination; this share's destination is a postgres destination." },
    };

    [Theory]
    [MemberData(nameof(InvalidDestinations))]
    public async Task CreateShare_BrokenPostgresDestinationRule_Returns400NamingTheFieldAndTheRule(string destination, string field, string rule)
    {
        // Arrange
        using var client = await factory.CreateWarehouseTenantClientAsync();

        // Act
        using var response = await SharesValidationTests.PostRawAsync(client, "/v1/shares", ShareBody(destination));

        // Assert
        await SharesValidationTests.AssertValidationAsync(response, field, rule);
    }

    [Fact]
    public async Task CreateShare_WarehouseNotGranted_Returns400()
    {
        // Arrange: a tenant granted the host's account only
        using var client = await factory.CreateTenantClientAsync();

        // Act
        using var response = await SharesValidationTests.PostRawAsync(client, "/v1/shares", ShareBody("""{"kind":"postgres","connection":"warehouse","schema":"sales"}"""));

        // Assert
        await SharesValidationTests.AssertValidationAsync(response, "destination.connection", "The PostgreSQL connection 'warehouse' is not granted to this tenant");
    }

    [Fact]
    public async Task CreateShare_PrefixGrant_ConfinesSchemasAndShowsTheSchema()
    {
        // Arrange
        var prefix = "p" + Guid.NewGuid().ToString("N")[..8];
        using var client = await factory.CreateWarehouseTenantClientAsync(prefix);

        // Act
        using var outside = await SharesValidationTests.PostRawAsync(client, "/v1/shares", ShareBody("""{"kind":"postgres","connection":"warehouse","schema":"sales"}"""));
        using var inside = await SharesValidationTests.PostRawAsync(client, "/v1/shares", ShareBody($$"""{"kind":"postgres","connection":"warehouse","schema":"{{prefix}}_sales"}"""));
        var share = await inside.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        await SharesValidationTests.AssertValidationAsync(outside, "destination.schema", $"this tenant may name only schemas that start with '{prefix}'");
        Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
        var destination = share.GetProperty("destination");
        Assert.Equal("postgres", destination.GetProperty("kind").GetString());
        Assert.Equal(PostgresSharesFactory.Warehouse, destination.GetProperty("connection").GetString());
        Assert.Equal(prefix + "_sales", destination.GetProperty("schema").GetString());
        Assert.False(destination.TryGetProperty("tablePrefix", out _));
    }

    [Theory]
    [MemberData(nameof(InvalidTransfers))]
    public async Task CreateTransfer_BrokenRuleOnPostgresShare_Returns400NamingTheFieldAndTheRule(string body, string field, string rule)
    {
        // Arrange
        using var client = await factory.CreateWarehouseTenantClientAsync();
        var shareId = await CreateShareAsync(client, "sales");

        // Act
        using var response = await SharesValidationTests.PostRawAsync(client, $"/v1/shares/{shareId}/transfers", body);

        // Assert
        await SharesValidationTests.AssertValidationAsync(response, field, rule);
    }

    [Fact]
    public async Task SetDestination_PostgresForCreatedTableTransfers_AcceptsValidNamesAndRefusesOthers()
    {
        // Arrange: two shares with a table destination, one transfer each, named as Azure Tables allow
        using var client = await factory.CreateWarehouseTenantClientAsync();
        var valid = await CreateShareAsync(client, null);
        var invalid = await CreateShareAsync(client, null);
        using var lower = await SharesValidationTests.PostRawAsync(client, $"/v1/shares/{valid}/transfers", """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""");
        using var upper = await SharesValidationTests.PostRawAsync(client, $"/v1/shares/{invalid}/transfers", """{"transferEntity":[{"type":"table","name":"Orders","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""");
        const string destination = """{"kind":"postgres","connection":"warehouse","schema":"sales"}""";

        // Act
        using var accepted = await client.PutAsync($"/v1/shares/{valid}/destination", new StringContent(destination, Encoding.UTF8, "application/json"));
        using var refused = await client.PutAsync($"/v1/shares/{invalid}/destination", new StringContent(destination, Encoding.UTF8, "application/json"));

        // Assert
        Assert.Equal(HttpStatusCode.Created, lower.StatusCode);
        Assert.Equal(HttpStatusCode.Created, upper.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("sales", (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("destination").GetProperty("schema").GetString());
        await SharesValidationTests.AssertValidationAsync(refused, "schema", "table 'Orders': name, for a postgres destination");
    }

    [Fact]
    public async Task IssueCredentials_ShareWithoutPostgresDestination_Returns409()
    {
        // Arrange
        using var client = await factory.CreateWarehouseTenantClientAsync();
        var shareId = await CreateShareAsync(client, null);

        // Act
        using var response = await client.PostAsync($"/v1/shares/{shareId}/credentials", null);
        var text = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("postgres destination only; this share has a table destination", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgresTransfer_ThreeLoadingPatterns_LoadThenFollowChangesEachCheck()
    {
        // Arrange: 30 rows, loaded in chunks of 7
        using var client = await factory.CreateWarehouseTenantClientAsync();
        var schema = "s" + Guid.NewGuid().ToString("N")[..10];
        var source = await CreateSourceAsync(30);
        var shareId = await CreateShareAsync(client, schema);

        // Act: the first load
        var transferId = await StartTransferAsync(
            client,
            shareId,
            new { type = "table", name = "appended", sourceTable = source.Name, loadingPattern = "APPEND_ONLY" },
            new { type = "table", name = "upserted", sourceTable = source.Name, loadingPattern = "UPDATE_AND_APPEND", primaryKey = new[] { "OrderId" } },
            new { type = "table", name = "overwritten", sourceTable = source.Name, loadingPattern = "OVERWRITE" });
        var first = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);
        var firstCounts = await CountsAsync(schema);

        // Act: update a row, add one, delete one
        var changedAt = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await source.UpsertEntityAsync(new TableEntity("orders", "r000") { ["OrderId"] = 0, ["Amount"] = 999 });
        await source.UpsertEntityAsync(new TableEntity("orders", "r100") { ["OrderId"] = 100, ["Amount"] = 1000 });
        await source.DeleteEntityAsync("orders", "r001");
        var second = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, changedAt.AddSeconds(3.5));
        var secondCounts = await CountsAsync(schema);

        // Assert: the first load
        Assert.Empty(first.GetProperty("errors").EnumerateArray());
        Assert.Equal(90, first.GetProperty("lastSync").GetProperty("rowsWritten").GetInt64());
        Assert.Equal((30, 30, 30), firstCounts);

        // Assert: APPEND_ONLY keeps both versions of r000 and adds r100 once; UPDATE_AND_APPEND replaces r000's row;
        // OVERWRITE holds the source as it is, r001 gone.
        Assert.Empty(second.GetProperty("errors").EnumerateArray());
        Assert.Equal((32, 31, 30), secondCounts);
        Assert.Equal(1L, await factory.ScalarAsync<long>($"SELECT count(*) FROM {schema}.appended WHERE \"RowKey\" = 'r100'"));
        Assert.Equal(2L, await factory.ScalarAsync<long>($"SELECT count(*) FROM {schema}.appended WHERE \"RowKey\" = 'r000'"));
        Assert.Equal(999, await factory.ScalarAsync<int>($"SELECT \"Amount\" FROM {schema}.upserted WHERE \"OrderId\" = 0"));
        Assert.Equal(0L, await factory.ScalarAsync<long>($"SELECT count(*) FROM {schema}.overwritten WHERE \"RowKey\" = 'r001'"));
    }

    [Fact]
    public async Task PostgresTransfer_Started_PublishesTheShareIdentifierSchemaRoleAndTables()
    {
        // Arrange
        using var client = await factory.CreateWarehouseTenantClientAsync();
        var schema = "s" + Guid.NewGuid().ToString("N")[..10];
        var source = await CreateSourceAsync(3);
        var shareId = await CreateShareAsync(client, schema);

        // Act
        var transferId = await StartTransferAsync(
            client,
            shareId,
            new { type = "table", name = "orders", sourceTable = source.Name, loadingPattern = "OVERWRITE" },
            new { type = "table", name = "history", sourceTable = source.Name, loadingPattern = "APPEND_ONLY" });
        var synced = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);

        // Assert
        var database = new NpgsqlConnectionStringBuilder(factory.Database);
        var access = synced.GetProperty("accessDetails");
        Assert.Equal($"postgresql://transfers_share_{shareId}@{database.Host}:{database.Port}/{database.Database}", access.GetProperty("access").GetString());
        Assert.Equal(schema, access.GetProperty("schema").GetString());
        Assert.Equal($"transfers_share_{shareId}", access.GetProperty("role").GetString());
        Assert.Equal(["orders", "history"], access.GetProperty("tables").EnumerateArray().Select(t => t.GetString()!));
        Assert.False(access.TryGetProperty("expiresAt", out _));
        Assert.Empty(synced.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task IssueCredentials_LoadedShare_ReadsRowsCannotWriteAndRotationRevokesTheOldPassword()
    {
        // Arrange: a loaded table
        using var client = await factory.CreateWarehouseTenantClientAsync();
        using var stranger = await factory.CreateWarehouseTenantClientAsync();
        var schema = "s" + Guid.NewGuid().ToString("N")[..10];
        var source = await CreateSourceAsync(12);
        var shareId = await CreateShareAsync(client, schema);
        var transferId = await StartTransferAsync(client, shareId, new { type = "table", name = "orders", sourceTable = source.Name, loadingPattern = "OVERWRITE" });
        var synced = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);

        // Act
        using var firstResponse = await client.PostAsync($"/v1/shares/{shareId}/credentials", null);
        var first = await firstResponse.Content.ReadFromJsonAsync<JsonElement>();
        var firstLogin = Login(first);
        var rows = await ScalarAsAsync<long>(firstLogin, $"SELECT count(*) FROM {schema}.orders");
        var writes = new List<string?>();
        foreach (var sql in new[]
        {
            $"INSERT INTO {schema}.orders (\"PartitionKey\", \"RowKey\") VALUES ('x', 'y')",
            $"UPDATE {schema}.orders SET \"Amount\" = 0",
            $"DELETE FROM {schema}.orders",
            $"CREATE TABLE {schema}.mine (id int)",
        })
        {
            writes.Add(await SqlStateAsync(firstLogin, sql));
        }

        using var secondResponse = await client.PostAsync($"/v1/shares/{shareId}/credentials", null);
        var second = await secondResponse.Content.ReadFromJsonAsync<JsonElement>();
        var oldPassword = await SqlStateAsync(firstLogin, "SELECT 1");
        var rowsWithNew = await ScalarAsAsync<long>(Login(second), $"SELECT count(*) FROM {schema}.orders");
        using var foreign = await stranger.PostAsync($"/v1/shares/{shareId}/credentials", null);
        var transfer = await client.GetStringAsync($"/v1/shares/{shareId}/transfers/{transferId}");
        var share = await client.GetStringAsync($"/v1/shares/{shareId}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal("no-store", firstResponse.Headers.CacheControl?.ToString());
        Assert.Equal($"transfers_share_{shareId}", first.GetProperty("role").GetString());
        Assert.Equal(schema, first.GetProperty("schema").GetString());
        Assert.Equal(synced.GetProperty("accessDetails").GetProperty("access").GetString(), first.GetProperty("access").GetString());
        Assert.Equal(12, rows);
        Assert.All(writes, state => Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, state));
        Assert.Equal(12L, await factory.ScalarAsync<long>($"SELECT count(*) FROM {schema}.orders"));
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        Assert.NotEqual(first.GetProperty("password").GetString(), second.GetProperty("password").GetString());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, oldPassword);
        Assert.Equal(12, rowsWithNew);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("application/problem+json", foreign.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(second.GetProperty("password").GetString()!, transfer, StringComparison.Ordinal);
        Assert.DoesNotContain(second.GetProperty("password").GetString()!, share, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteShare_PostgresDestination_DropsTheShareRole()
    {
        // Arrange: a share whose role exists
        using var client = await factory.CreateWarehouseTenantClientAsync();
        var schema = "s" + Guid.NewGuid().ToString("N")[..10];
        var shareId = await CreateShareAsync(client, schema);
        using var issued = await client.PostAsync($"/v1/shares/{shareId}/credentials", null);
        var roleQuery = $"SELECT count(*) FROM pg_roles WHERE rolname = 'transfers_share_{shareId}'";
        var before = await factory.ScalarAsync<long>(roleQuery);

        // Act
        using var deleted = await client.DeleteAsync($"/v1/shares/{shareId}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Equal(1L, before);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0L, await factory.ScalarAsync<long>(roleQuery));
    }

    private static string ShareBody(string destination) => $$"""{"name":"pg","source":{{ValidSource}},"destination":{{destination}}}""";

    /// <summary>Creates a share with a postgres destination on the schema, or with a table destination when it is null.</summary>
    private static async Task<string> CreateShareAsync(HttpClient client, string? schema)
    {
        using var response = await SharesValidationTests.PostRawAsync(client, "/v1/shares", ShareBody(schema is null
            ? """{"kind":"table","tablePrefix":"shared"}"""
            : $$"""{"kind":"postgres","connection":"warehouse","schema":"{{schema}}"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>A source table of rows r000… with OrderId and Amount, aged past the second of slack a check leaves.</summary>
    private static async Task<TableClient> CreateSourceAsync(int rows)
    {
        var source = Azurite.Tables.GetTableClient("p" + Guid.NewGuid().ToString("N")[..10] + "src");
        await source.CreateIfNotExistsAsync();
        for (var i = 0; i < rows; i++)
        {
            await source.UpsertEntityAsync(new TableEntity("orders", $"r{i:D3}") { ["OrderId"] = i, ["Amount"] = i * 10 });
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        return source;
    }

    private static async Task<string> StartTransferAsync(HttpClient client, string shareId, params object[] tables)
    {
        using var created = await client.PostAsJsonAsync($"/v1/shares/{shareId}/transfers", new { transferEntity = tables, options = new { transferNow = true } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<(long Appended, long Upserted, long Overwritten)> CountsAsync(string schema) => (
        await factory.ScalarAsync<long>($"SELECT count(*) FROM {schema}.appended"),
        await factory.ScalarAsync<long>($"SELECT count(*) FROM {schema}.upserted"),
        await factory.ScalarAsync<long>($"SELECT count(*) FROM {schema}.overwritten"));

    /// <summary>The connection string the credentials give: the server of the access URI, the role and the password.</summary>
    private static string Login(JsonElement credentials)
    {
        var uri = new Uri(credentials.GetProperty("access").GetString()!);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port,
            Database = uri.AbsolutePath.TrimStart('/'),
            Username = credentials.GetProperty("role").GetString(),
            Password = credentials.GetProperty("password").GetString(),
            Pooling = false,
        }.ConnectionString;
    }

    private static async Task<T> ScalarAsAsync<T>(string login, string sql)
    {
        await using var connection = new NpgsqlConnection(login);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The SQLSTATE a statement fails with as the login, or null when it succeeds.</summary>
    private static async Task<string?> SqlStateAsync(string login, string sql)
    {
        try
        {
            await ScalarAsAsync<object>(login, sql);
            return null;
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
    }
}
