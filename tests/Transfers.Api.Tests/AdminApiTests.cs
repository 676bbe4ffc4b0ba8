using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.Security;
using Transfers.Core.Tenants;
using Transfers.Testing;

namespace Transfers.Api.Tests;

public sealed class AdminApiTests(TransfersApiFactory factory) : IClassFixture<TransfersApiFactory>
{
    [Fact]
    public async Task Health_NoKey_ReturnsOk()
    {
        using var client = factory.CreateClient(apiKey: null);

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task IssueTenantKey_WithoutAdminKey_Returns401Problem(string? key)
    {
        using var client = factory.CreateClient(key);

        using var response = await client.PostAsync("/admin/tenants/acme/keys", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task IssueTenantKey_BadTenantName_Returns400WithFieldError()
    {
        using var client = factory.CreateClient(TransfersApiFactory.AdminKey);

        using var response = await client.PostAsync("/admin/tenants/Not_Valid/keys", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty("tenant", out _));
    }

    [Fact]
    public async Task IssueTenantKey_AdminKey_StoresOnlyTheHashAndKeyAuthenticatesUntilRevoked()
    {
        using var admin = factory.CreateClient(TransfersApiFactory.AdminKey);
        var tenant = Azurite.UniqueName("t");

        using var created = await admin.PostAsync($"/admin/tenants/{tenant}/keys", null);
        var issued = await created.Content.ReadFromJsonAsync<IssuedApiKey>();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(issued);
        Assert.Equal(tenant, issued.Tenant);
        var row = (await Azurite.Tables.GetTableClient(ApiKeyStore.TableName).GetEntityAsync<Azure.Data.Tables.TableEntity>("key", issued.KeyId)).Value;
        Assert.Equal(Secrets.Hash(issued.Key), row.GetString("Hash"));
        Assert.DoesNotContain(((IDictionary<string, object>)row).Values, v => v is string s && s.Contains(issued.Key, StringComparison.Ordinal));
        var store = factory.Services.GetRequiredService<ApiKeyStore>();
        Assert.Equal(tenant, await store.FindTenantAsync(issued.Key));

        using var revoked = await admin.DeleteAsync($"/admin/keys/{issued.KeyId}");
        using var revokedAgain = await admin.DeleteAsync($"/admin/keys/{issued.KeyId}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revokedAgain.StatusCode);
        Assert.Null(await store.FindTenantAsync(issued.Key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("tk_nothex.secret")]
    [InlineData("tk_0123456789abcdef0123456789abcdef.wrong")]
    [InlineData("plain")]
    public async Task FindTenant_MalformedOrUnknownKey_ReturnsNull(string key)
    {
        var store = factory.Services.GetRequiredService<ApiKeyStore>();

        var tenant = await store.FindTenantAsync(key);

        Assert.Null(tenant);
    }
}
