using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Testing;

namespace Transfers.Api.Tests;

/// <summary>
/// A tenant reaches only the storage the admin granted to it: every name a Shares or Exports request carries is refused
/// without a grant of its connection (or outside the grant's prefix) and accepted with one.
/// </summary>
public sealed class TenantIsolationTests(TransfersApiFactory factory) : IClassFixture<TransfersApiFactory>
{
    private const string Partner = TransfersApiFactory.PartnerConnection;
    private const string NotGranted = "is not granted to this tenant";

    [Fact]
    public async Task CreateShare_SourceWithoutGrant_Returns400UntilGranted()
    {
        // Arrange: a new tenant, granted nothing, names a container of the host's own account.
        var (tenant, client) = await NewTenantAsync();
        const string body = """{"name":"n","source":{"container":"globex-private"}}""";

        // Act
        using var refused = await PostAsync(client, "/v1/shares", body);
        await GrantAsync(tenant, "default");
        using var allowed = await PostAsync(client, "/v1/shares", body);

        // Assert: one error, on the connection, not a second on the container.
        var errors = await AssertProblemAsync(refused, "source.connection", NotGranted);
        Assert.Equal(["source.connection"], errors.EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact]
    public async Task CreateShare_DestinationWithoutGrant_Returns400UntilGranted()
    {
        // Arrange
        var (tenant, client) = await NewTenantAsync("default");
        var body = $$$"""{"name":"n","source":{"container":"src-box"},"destination":{"kind":"files","connection":"{{{Partner}}}","container":"dst-box"}}""";

        // Act
        using var refused = await PostAsync(client, "/v1/shares", body);
        await GrantAsync(tenant, Partner);
        using var allowed = await PostAsync(client, "/v1/shares", body);

        // Assert
        await AssertProblemAsync(refused, "destination.connection", NotGranted);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact]
    public async Task SetDestination_ConnectionWithoutGrant_Returns400UntilGranted()
    {
        // Arrange
        var (tenant, client) = await NewTenantAsync("default");
        var shareId = await CreateShareAsync(client, """{"name":"n","source":{"container":"src-box"}}""");
        var body = $$$"""{"kind":"table","connection":"{{{Partner}}}","tablePrefix":"out"}""";

        // Act
        using var refused = await client.PutAsync($"/v1/shares/{shareId}/destination", Json(body));
        await GrantAsync(tenant, Partner);
        using var allowed = await client.PutAsync($"/v1/shares/{shareId}/destination", Json(body));

        // Assert
        await AssertProblemAsync(refused, "connection", NotGranted);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task CreateTransfer_TablesOnConnectionsWithoutGrant_Returns400UntilGranted()
    {
        // Arrange: a share read from the partner connection into tables of the host's account, then the grants revoked.
        var (tenant, client) = await NewTenantAsync("default", Partner);
        var shareId = await CreateShareAsync(client, $$$"""{"name":"n","source":{"connection":"{{{Partner}}}","container":"src-box"},"destination":{"kind":"table","tablePrefix":"out"}}""");
        await RevokeAsync(tenant, Partner);
        await RevokeAsync(tenant, "default");
        const string body = """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""";

        // Act
        using var refused = await PostAsync(client, $"/v1/shares/{shareId}/transfers", body);
        await GrantAsync(tenant, Partner);
        await GrantAsync(tenant, "default");
        using var allowed = await PostAsync(client, $"/v1/shares/{shareId}/transfers", body);

        // Assert
        var errors = await AssertProblemAsync(refused, "transferEntity[0].sourceTable", $"'{Partner}' {NotGranted}");
        Assert.Contains($"'default' {NotGranted}", errors.GetProperty("transferEntity[0].name")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact]
    public async Task CreateModel_SourceWithoutGrant_Returns400UntilGranted()
    {
        // Arrange: globex's model over acme's table, as in the report.
        var (tenant, client) = await NewTenantAsync();
        var body = new { model_name = "orders", source_table = "acmeoutorders", primary_key = new[] { "id" }, last_updated_at_column = "u" };

        // Act
        using var refused = await client.PostAsJsonAsync("/models", body);
        await GrantAsync(tenant, "default");
        using var allowed = await client.PostAsJsonAsync("/models", body);

        // Assert
        await AssertExportsErrorAsync(refused, $"source_table: The storage connection 'default' {NotGranted}");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Theory]
    [InlineData("azure_blob_storage")]
    [InlineData("azure_table_storage")]
    public async Task CreateAndUpdateDestination_ConnectionWithoutGrant_Returns400UntilGranted(string vendor)
    {
        // Arrange
        var (tenant, client) = await NewTenantAsync();
        object Body(string connection) => vendor == ExportsBlob
            ? new { name = "d", vendor, connection, bucket_name = "acme-out" }
            : new { name = "d", vendor, connection, table_prefix = "acmeout" };

        // Act
        using var refused = await client.PostAsJsonAsync("/destinations", Body("default"));
        await GrantAsync(tenant, "default");
        using var created = await client.PostAsJsonAsync("/destinations", Body("default"));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("id").GetString();
        using var moveRefused = await client.PatchAsJsonAsync($"/destinations/{id}", new { connection = Partner });
        await GrantAsync(tenant, Partner);
        using var moved = await client.PatchAsJsonAsync($"/destinations/{id}", new { connection = Partner });

        // Assert
        await AssertExportsErrorAsync(refused, $"connection: The storage connection 'default' {NotGranted}");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        await AssertExportsErrorAsync(moveRefused, $"connection: The storage connection '{Partner}' {NotGranted}");
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
    }

    [Fact]
    public async Task Grants_PrefixPerTenantOnOneAccount_KeepEachTenantToItsOwnNames()
    {
        // Arrange: acme and globex share the host's account, each confined to its own prefix.
        var acmePrefix = "a" + Guid.NewGuid().ToString("N")[..8];
        var globexPrefix = "g" + Guid.NewGuid().ToString("N")[..8];
        var (acmeTenant, acme) = await NewTenantAsync();
        var (globexTenant, globex) = await NewTenantAsync();
        await GrantAsync(acmeTenant, "default", acmePrefix);
        await GrantAsync(globexTenant, "default", globexPrefix);

        // Act
        using var acmeReadsGlobex = await PostAsync(acme, "/v1/shares", $$$"""{"name":"n","source":{"container":"{{{globexPrefix}}}-private"}}""");
        using var acmeWritesGlobex = await PostAsync(acme, "/v1/shares", $$$"""{"name":"n","source":{"container":"{{{acmePrefix}}}-src"},"destination":{"kind":"table","tablePrefix":"{{{globexPrefix}}}"}}""");
        using var acmeOwn = await PostAsync(acme, "/v1/shares", $$$"""{"name":"n","source":{"container":"{{{acmePrefix}}}-private"},"destination":{"kind":"files","container":"{{{acmePrefix}}}-out"}}""");
        using var globexReadsAcme = await globex.PostAsJsonAsync("/models", new { model_name = "orders", source_table = acmePrefix + "outorders", primary_key = new[] { "id" }, last_updated_at_column = "u" });
        using var globexWritesAcme = await globex.PostAsJsonAsync("/destinations", new { name = "d", vendor = ExportsBlob, bucket_name = acmePrefix + "-consumer" });
        using var globexOwn = await globex.PostAsJsonAsync("/models", new { model_name = "orders", source_table = globexPrefix + "orders", primary_key = new[] { "id" }, last_updated_at_column = "u" });

        // Assert
        await AssertProblemAsync(acmeReadsGlobex, "source.container", $"may name only containers that start with '{acmePrefix}'");
        await AssertProblemAsync(acmeWritesGlobex, "destination.tablePrefix", $"may name only table prefixes that start with '{acmePrefix}'");
        Assert.Equal(HttpStatusCode.Created, acmeOwn.StatusCode);
        await AssertExportsErrorAsync(globexReadsAcme, $"source_table: On the storage connection 'default' this tenant may name only tables that start with '{globexPrefix}'.");
        await AssertExportsErrorAsync(globexWritesAcme, $"bucket_name: On the storage connection 'default' this tenant may name only containers that start with '{globexPrefix}'.");
        Assert.Equal(HttpStatusCode.OK, globexOwn.StatusCode);
    }

    [Fact]
    public async Task GrantConnection_PrefixOverlappingAnotherTenants_Returns409()
    {
        // Arrange: acme holds a prefix on the host's account.
        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);
        var acme = "o" + Guid.NewGuid().ToString("N")[..8];
        var (acmeTenant, _) = await NewTenantAsync();
        var (globexTenant, _) = await NewTenantAsync();
        await GrantAsync(acmeTenant, "default", acme);

        // Act: globex asks for a prefix that acme's starts, one that starts acme's, and one of its own.
        using var longer = await admin.PostAsJsonAsync($"/admin/tenants/{globexTenant}/connections", new { connection = "default", prefix = acme + "corp" });
        using var shorter = await admin.PostAsJsonAsync($"/admin/tenants/{globexTenant}/connections", new { connection = "default", prefix = acme[..4] });
        using var own = await admin.PostAsJsonAsync($"/admin/tenants/{globexTenant}/connections", new { connection = "default", prefix = "g" + Guid.NewGuid().ToString("N")[..8] });
        using var otherConnection = await admin.PostAsJsonAsync($"/admin/tenants/{globexTenant}/connections", new { connection = Partner, prefix = acme });

        // Assert
        foreach (var refused in new[] { longer, shorter })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"tenant '{acmeTenant}''s prefix '{acme}'", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(HttpStatusCode.Created, otherConnection.StatusCode);
    }

    [Fact]
    public async Task GrantConnection_CreateListGetReplaceRevoke_RoundTrips()
    {
        // Arrange
        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);
        var tenant = Azurite.UniqueName("t");
        var prefix = "r" + Guid.NewGuid().ToString("N")[..8];

        // Act
        using var created = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/connections", new { connection = Partner });
        using var replaced = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/connections", new { connection = Partner, prefix });
        var listed = await admin.GetFromJsonAsync<JsonElement>($"/admin/tenants/{tenant}/connections");
        using var got = await admin.GetAsync($"/admin/tenants/{tenant}/connections/{Partner}");
        using var revoked = await admin.DeleteAsync($"/admin/tenants/{tenant}/connections/{Partner}");
        using var gotAfter = await admin.GetAsync($"/admin/tenants/{tenant}/connections/{Partner}");
        using var revokedAgain = await admin.DeleteAsync($"/admin/tenants/{tenant}/connections/{Partner}");
        var listedAfter = await admin.GetFromJsonAsync<JsonElement>($"/admin/tenants/{tenant}/connections");

        // Assert
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/admin/tenants/{tenant}/connections/{Partner}", created.Headers.Location?.ToString());
        var grant = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(tenant, grant.GetProperty("tenant").GetString());
        Assert.Equal(JsonValueKind.Null, grant.GetProperty("prefix").ValueKind);
        Assert.Equal("api", grant.GetProperty("source").GetString());
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(Partner, item.GetProperty("connection").GetString());
        Assert.Equal(prefix, item.GetProperty("prefix").GetString());
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal(prefix, (await got.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prefix").GetString());
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gotAfter.StatusCode);
        Assert.Equal("application/problem+json", gotAfter.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, revokedAgain.StatusCode);
        Assert.Empty(listedAfter.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("acme", """{"connection":"nowhere"}""", "connection", "No storage connection named 'nowhere' is configured")]
    [InlineData("acme", """{}""", "connection", "connection is required")]
    [InlineData("acme", """{"connection":"default","prefix":"Acme"}""", "prefix", "2-40 lower-case letters or digits")]
    [InlineData("acme", """{"connection":"default","prefix":"acme-x"}""", "prefix", "2-40 lower-case letters or digits")]
    [InlineData("acme", """{"connection":"default","scope":"all"}""", "scope", "Unknown field 'scope'.")]
    [InlineData("acme", "[]", "$", "The body must be a JSON object.")]
    [InlineData("Not_Valid", """{"connection":"default"}""", "tenant", "lower-case letters")]
    public async Task GrantConnection_BadRequest_Returns400ProblemNamingTheField(string tenant, string body, string field, string rule)
    {
        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);

        using var response = await admin.PostAsync($"/admin/tenants/{tenant}/connections", Json(body));

        await AssertProblemAsync(response, field, rule);
    }

    [Fact]
    public async Task GrantRoutes_WithoutTheAdminKey_Return401Problem()
    {
        // Arrange: a tenant key is not the admin key.
        var (tenant, client) = await NewTenantAsync();
        using var anonymous = factory.CreateClient(apiKey: null);

        // Act
        using var grant = await client.PostAsJsonAsync($"/admin/tenants/{tenant}/connections", new { connection = "default" });
        using var list = await client.GetAsync($"/admin/tenants/{tenant}/connections");
        using var revoke = await anonymous.DeleteAsync($"/admin/tenants/default/connections/default");
        var listedAfter = await factory.CreateClient(TransfersApiFactory.AdminKey).GetFromJsonAsync<JsonElement>($"/admin/tenants/{tenant}/connections");

        // Assert
        foreach (var response in new[] { grant, list, revoke })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Empty(listedAfter.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Grants_FromSettings_AreListedAndNotChangedThroughTheApi()
    {
        // Arrange: the factory's settings grant tenant default (the admin key) the host's account.
        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);

        // Act
        var listed = await admin.GetFromJsonAsync<JsonElement>("/admin/tenants/default/connections");
        using var revoke = await admin.DeleteAsync("/admin/tenants/default/connections/default");
        using var narrow = await admin.PostAsJsonAsync("/admin/tenants/default/connections", new { connection = "default", prefix = "admin" });
        using var stillOpen = await admin.PostAsync("/v1/shares", Json("""{"name":"n","source":{"container":"any-box"}}"""));

        // Assert
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal("default", item.GetProperty("connection").GetString());
        Assert.Equal("settings", item.GetProperty("source").GetString());
        Assert.Equal(HttpStatusCode.Conflict, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, narrow.StatusCode);
        Assert.Contains("Transfers__Grants__default__default", (await narrow.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, stillOpen.StatusCode);
    }

    [Fact]
    public async Task CreateModelAndDestination_ConcurrentPairsMakingAServiceTable_NeverBothSucceed()
    {
        // Arrange: model Keys and table prefix Api make ApiKeys, the table of key hashes. Each pair on its own tenant.
        var clients = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => NewTenantAsync("default")));

        // Act: each pair's two requests at the same moment.
        var pairs = await Task.WhenAll(clients.Select(async c =>
        {
            var model = c.Client.PostAsJsonAsync("/models", new { model_name = "Keys", source_table = "orders", primary_key = new[] { "id" }, last_updated_at_column = "u" });
            var destination = c.Client.PostAsJsonAsync("/destinations", new { name = "d", vendor = "azure_table_storage", table_prefix = "Api" });
            return (Model: await model, Destination: await destination);
        }));

        // Assert
        foreach (var (model, destination) in pairs)
        {
            Assert.False(model.IsSuccessStatusCode && destination.IsSuccessStatusCode, "Both the model and the destination that name ApiKeys were saved.");
            var refused = model.IsSuccessStatusCode ? destination : model;
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var body = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("error", body.GetProperty("status").GetString());
            Assert.Contains("ApiKeys", body.GetProperty("message").GetString(), StringComparison.Ordinal);
            model.Dispose();
            destination.Dispose();
        }
    }

    [Fact]
    public async Task CreateShare_TablePrefixOfAServiceTableOrTheHub_Returns400()
    {
        // Arrange
        var (_, client) = await NewTenantAsync("default");
        var hub = TaskHubName.Resolve(factory.Services.GetRequiredService<IConfiguration>());

        // Act
        using var apiKeys = await PostAsync(client, "/v1/shares", """{"name":"n","source":{"container":"src-box"},"destination":{"kind":"table","tablePrefix":"ApiKeys"}}""");
        using var hubTables = await PostAsync(client, "/v1/shares", $$$"""{"name":"n","source":{"container":"src-box"},"destination":{"kind":"table","tablePrefix":"{{{hub}}}"}}""");

        // Assert
        await AssertProblemAsync(apiKeys, "destination.tablePrefix", "begins 'ApiKeys', a name of the service's own tables");
        await AssertProblemAsync(hubTables, "destination.tablePrefix", $"begins '{hub}'");
    }

    [Fact]
    public async Task SetDestination_TablePrefixPairingACreatedTableIntoAServiceTable_Returns400AndKeepsTheDestination()
    {
        // Arrange: a created table transfer naming Keys.
        var (_, client) = await NewTenantAsync("default");
        var shareId = await CreateShareAsync(client, """{"name":"n","source":{"container":"src-box"},"destination":{"kind":"table","tablePrefix":"shared"}}""");
        using var transfer = await PostAsync(client, $"/v1/shares/{shareId}/transfers", """{"transferEntity":[{"type":"table","name":"Keys","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""");
        Assert.Equal(HttpStatusCode.Created, transfer.StatusCode);

        // Act
        using var response = await client.PutAsync($"/v1/shares/{shareId}/destination", Json("""{"kind":"table","tablePrefix":"Api"}"""));
        var share = await client.GetFromJsonAsync<JsonElement>($"/v1/shares/{shareId}");

        // Assert
        await AssertProblemAsync(response, "tablePrefix", "begins 'ApiKeys'");
        Assert.Equal("shared", share.GetProperty("destination").GetProperty("tablePrefix").GetString());
    }

    [Fact]
    public async Task SetDestination_TablePrefixMakingACreatedTableNameInvalid_Returns400NamingTheTransfer()
    {
        // Arrange: a 40-character prefix and a 30-character table make a name past Azure's 63.
        var (_, client) = await NewTenantAsync("default");
        var shareId = await CreateShareAsync(client, """{"name":"n","source":{"container":"src-box"},"destination":{"kind":"table","tablePrefix":"shared"}}""");
        var table = "orders" + new string('x', 24);
        using var transfer = await PostAsync(client, $"/v1/shares/{shareId}/transfers", $$$"""{"transferEntity":[{"type":"table","name":"{{{table}}}","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""");
        var transferId = (await transfer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        // Act
        using var response = await client.PutAsync($"/v1/shares/{shareId}/destination", Json($$$"""{"kind":"table","tablePrefix":"{{{"p" + new string('q', 39)}}}"}"""));

        // Assert
        await AssertProblemAsync(response, "tablePrefix", $"Transfer '{transferId}', table '{table}': name, after the destination's tablePrefix, must be a table name");
    }

    private const string ExportsBlob = "azure_blob_storage";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string body) => client.PostAsync(path, Json(body));

    private static async Task<string> CreateShareAsync(HttpClient client, string body)
    {
        using var response = await PostAsync(client, "/v1/shares", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, string field, string rule)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors").Clone();
        Assert.True(errors.TryGetProperty(field, out var messages), text);
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(rule, StringComparison.Ordinal));
        return errors;
    }

    private static async Task AssertExportsErrorAsync(HttpResponseMessage response, string message)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.StartsWith(message, body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
    }

    private async Task<(string Tenant, HttpClient Client)> NewTenantAsync(params string[] grants)
    {
        var tenant = Azurite.UniqueName("t");
        foreach (var connection in grants)
        {
            await GrantAsync(tenant, connection);
        }

        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);
        using var issued = await admin.PostAsync($"/admin/tenants/{tenant}/keys", null);
        issued.EnsureSuccessStatusCode();
        return (tenant, factory.CreateClient((await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()));
    }

    private async Task GrantAsync(string tenant, string connection, string? prefix = null)
    {
        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);
        using var response = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/connections", new { connection, prefix });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task RevokeAsync(string tenant, string connection)
    {
        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);
        using var response = await admin.DeleteAsync($"/admin/tenants/{tenant}/connections/{connection}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
