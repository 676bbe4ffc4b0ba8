using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.Storage;
using Transfers.Testing;

namespace Transfers.Api.Tests;

/// <summary>
/// PostgreSQL connections are granted to tenants as storage connections are: in settings and through the admin API,
/// whole or under a prefix that confines the tenant's schema names, and two tenants' prefixes never overlap.
/// </summary>
public sealed class WarehouseGrantTests(TransfersApiFactory factory) : IClassFixture<TransfersApiFactory>, IAsyncLifetime
{
    private const string Warehouse = "warehouse";
    private readonly string _settingsTenant = Azurite.UniqueName("t");
    private WebApplicationFactory<Program>? _host;

    private WebApplicationFactory<Program> Host => _host ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        var database = await Postgres.CreateDatabaseAsync("grants");
        _host = factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Transfers:Connections:{Warehouse}"] = database,
            [$"Transfers:Grants:{_settingsTenant}:{Warehouse}"] = "*",
        })));
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task GrantConnection_PostgresConnectionWithPrefix_GrantsSchemasUnderThePrefix()
    {
        // Arrange
        using var admin = CreateAdmin();
        var tenant = Azurite.UniqueName("t");
        var prefix = "w" + Guid.NewGuid().ToString("N")[..8];

        // Act
        using var created = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/connections", new { connection = Warehouse, prefix });
        var listed = await admin.GetFromJsonAsync<JsonElement>($"/admin/tenants/{tenant}/connections");
        var access = await Host.Services.GetRequiredService<StorageAccessPolicy>().ForTenantAsync(tenant);

        // Assert
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(Warehouse, item.GetProperty("connection").GetString());
        Assert.Equal(prefix, item.GetProperty("prefix").GetString());
        Assert.Null(access.CheckSchema(Warehouse, prefix + "_sales"));
        Assert.Contains($"only schemas that start with '{prefix}'", access.CheckSchema(Warehouse, "sales"), StringComparison.Ordinal);
        Assert.Contains("not PostgreSQL", access.CheckSchema(TransfersApiFactory.PartnerConnection, prefix + "_sales"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantConnection_OverlappingPrefixOnPostgresConnection_Returns409()
    {
        // Arrange: one tenant holds a prefix on the warehouse.
        using var admin = CreateAdmin();
        var first = Azurite.UniqueName("t");
        var second = Azurite.UniqueName("t");
        var prefix = "o" + Guid.NewGuid().ToString("N")[..8];
        using var held = await admin.PostAsJsonAsync($"/admin/tenants/{first}/connections", new { connection = Warehouse, prefix });

        // Act: another asks for a prefix that starts with it.
        using var overlapping = await admin.PostAsJsonAsync($"/admin/tenants/{second}/connections", new { connection = Warehouse, prefix = prefix + "x" });
        var listed = await admin.GetFromJsonAsync<JsonElement>($"/admin/tenants/{second}/connections");

        // Assert
        Assert.Equal(HttpStatusCode.Created, held.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, overlapping.StatusCode);
        Assert.Equal("application/problem+json", overlapping.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"prefix '{prefix}'", (await overlapping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(listed.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Grants_PostgresConnectionInSettings_IsListedAndGrantsEverySchema()
    {
        // Arrange
        using var admin = CreateAdmin();

        // Act
        var listed = await admin.GetFromJsonAsync<JsonElement>($"/admin/tenants/{_settingsTenant}/connections");
        var access = await Host.Services.GetRequiredService<StorageAccessPolicy>().ForTenantAsync(_settingsTenant);

        // Assert
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(Warehouse, item.GetProperty("connection").GetString());
        Assert.Equal("settings", item.GetProperty("source").GetString());
        Assert.Null(access.CheckSchema(Warehouse, "anything"));
        Assert.Contains("reserved", access.CheckSchema(Warehouse, "transfers_state"), StringComparison.Ordinal);
        Assert.Contains("PostgreSQL connection, not storage", access.CheckTable(Warehouse, "orders"), StringComparison.Ordinal);
    }

    private HttpClient CreateAdmin()
    {
        var client = Host.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-KEY", TransfersApiFactory.AdminKey);
        return client;
    }
}
