using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Transfers.Testing;

namespace Transfers.Api.Tests;

/// <summary>Tenant keys and the admin key on the tenant families' routes, over HTTP.</summary>
public sealed class TenantKeyHttpTests(TransfersApiFactory factory) : IClassFixture<TransfersApiFactory>
{
    [Fact]
    public async Task ExportsModel_CreatedWithAdminKey_BelongsToTenantDefault()
    {
        // Arrange
        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);
        using var defaultTenant = factory.CreateClient(await IssueKeyAsync("default"));
        using var otherTenant = factory.CreateClient(await IssueKeyAsync(Azurite.UniqueName("t")));
        var name = Azurite.UniqueName("m");

        // Act
        using var created = await admin.PostAsJsonAsync("/models", new { model_name = name, source_table = Azurite.UniqueName("src"), primary_key = new[] { "id" }, last_updated_at_column = "last_updated_at" });
        using var asAdmin = await admin.GetAsync($"/models/{name}");
        using var asDefault = await defaultTenant.GetAsync($"/models/{name}");
        using var asOther = await otherTenant.GetAsync($"/models/{name}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asDefault.StatusCode);
        Assert.Equal(name, (await asDefault.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("model_name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, asOther.StatusCode);
    }

    [Fact]
    public async Task Share_CreatedWithAdminKey_BelongsToTenantDefault()
    {
        // Arrange
        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);
        using var defaultTenant = factory.CreateClient(await IssueKeyAsync("default"));
        using var otherTenant = factory.CreateClient(await IssueKeyAsync(Azurite.UniqueName("t")));

        // Act
        using var created = await admin.PostAsync("/v1/shares", Json("""{"name":"admin-share","source":{"container":"source-box","prefix":"provider"},"destination":null}"""));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var asAdmin = await admin.GetAsync($"/v1/shares/{id}");
        using var asDefault = await defaultTenant.GetAsync($"/v1/shares/{id}");
        using var asOther = await otherTenant.GetAsync($"/v1/shares/{id}");

        // Assert
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asDefault.StatusCode);
        Assert.Equal(id, (await asDefault.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, asOther.StatusCode);
    }

    [Fact]
    public async Task TenantKey_Revoked_Returns401OnEveryTenantFamily()
    {
        // Arrange
        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);
        using var issued = await admin.PostAsync($"/admin/tenants/{Azurite.UniqueName("t")}/keys", null);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
        using var tenant = factory.CreateClient(body.GetProperty("key").GetString());
        using var sharesBefore = await tenant.GetAsync("/v1/shares");
        using var exportsBefore = await tenant.GetAsync("/models");

        // Act
        using var revoked = await admin.DeleteAsync($"/admin/keys/{body.GetProperty("keyId").GetString()}");
        using var sharesAfter = await tenant.GetAsync("/v1/shares");
        using var exportsAfter = await tenant.GetAsync("/models");

        // Assert
        Assert.Equal(HttpStatusCode.OK, sharesBefore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, exportsBefore.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, sharesAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, exportsAfter.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<string> IssueKeyAsync(string tenant)
    {
        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);
        using var response = await admin.PostAsync($"/admin/tenants/{tenant}/keys", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }
}
