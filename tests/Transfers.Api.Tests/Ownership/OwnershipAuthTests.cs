using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Transfers.Core.Ownership;
using Transfers.Core.Security;
using Transfers.Testing;

namespace Transfers.Api.Tests.Ownership;

public sealed class OwnershipAuthTests(OwnershipApiFactory factory) : IClassFixture<OwnershipApiFactory>
{
    [Theory]
    [InlineData("/v1/transfers")]
    [InlineData("/v1/transfers/invited")]
    [InlineData("/v1/flows")]
    public async Task Get_NoAuthorizationHeader_Returns401Unauthorized(string url)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("{\"message\":\"Unauthorized\"}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Bearer ot_0123456789abcdef0123456789abcdef.nope")]
    [InlineData("Bearer garbage")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Get_BadToken_Returns401BearerAuthenticationFailed(string authorization)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        using var response = await client.GetAsync("/v1/transfers");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("{\"message\":\"Bearer Authentication Failed\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_RevokedToken_Returns401BearerAuthenticationFailed()
    {
        var user = await factory.CreateUserAsync();
        using var admin = factory.CreateAdminClient();
        using var issued = await admin.PostAsync($"/admin/users/{user.Id}/tokens", null);
        var token = await issued.Content.ReadFromJsonAsync<JsonElement>();
        using var client = factory.CreateBearerClient(token.GetProperty("token").GetString()!);
        using var before = await client.GetAsync("/v1/transfers");

        using var revoked = await admin.DeleteAsync($"/admin/tokens/{token.GetProperty("tokenId").GetString()}");
        using var after = await client.GetAsync("/v1/transfers");
        using var revokedAgain = await admin.DeleteAsync($"/admin/tokens/{token.GetProperty("tokenId").GetString()}");

        Assert.Equal(HttpStatusCode.NoContent, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("{\"message\":\"Bearer Authentication Failed\"}", await after.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, revokedAgain.StatusCode);
    }

    [Fact]
    public async Task Get_ExpiredToken_Returns401BearerAuthenticationFailed()
    {
        var user = await factory.CreateUserAsync();
        using var admin = factory.CreateAdminClient();
        using var issued = await admin.PostAsJsonAsync($"/admin/users/{user.Id}/tokens", new { expiresAt = DateTimeOffset.UtcNow.AddSeconds(2) });
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var client = factory.CreateBearerClient(token);
        using var before = await client.GetAsync("/v1/transfers");

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var after = await client.GetAsync("/v1/transfers");

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("{\"message\":\"Bearer Authentication Failed\"}", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CreateUser_Admin_StoresOnlyTheTokenHash()
    {
        using var admin = factory.CreateAdminClient();
        var email = $"{Azurite.UniqueName("u")}@Example.com";

        using var response = await admin.PostAsJsonAsync("/admin/users", new { email, name = "Ada" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(email.ToLowerInvariant(), body.GetProperty("email").GetString());
        Assert.True(ObjectIds.IsValid(body.GetProperty("_id").GetString()));
        var token = body.GetProperty("token").GetString()!;
        var row = (await Azurite.Tables.GetTableClient(OwnershipTables.Tokens).GetEntityAsync<TableEntity>("token", body.GetProperty("tokenId").GetString()!)).Value;
        Assert.Equal(Secrets.Hash(token), row.GetString("Hash"));
        Assert.DoesNotContain(((IDictionary<string, object>)row).Values, v => v is string s && s.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateUser_DuplicateEmail_Returns409()
    {
        var user = await factory.CreateUserAsync();
        using var admin = factory.CreateAdminClient();

        using var response = await admin.PostAsJsonAsync("/admin/users", new { email = user.Email.ToUpperInvariant() });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"email\":\"not-an-email\"}", "email")]
    [InlineData("{\"email\":\"a@b.co\",\"role\":\"admin\"}", "role")]
    [InlineData("{\"email\":42}", "email")]
    [InlineData("{\"email\":\"a\\u0000b@example.com\"}", "email")]
    [InlineData("{\"email\":\"a\\u0001b@example.com\"}", "email")]
    [InlineData("{\"email\":\"ab@exam\\u007fple.com\"}", "email")]
    [InlineData("{\"email\":", "body")]
    public async Task CreateUser_BadBody_Returns400Problem(string json, string field)
    {
        using var admin = factory.CreateAdminClient();

        using var response = await admin.PostAsync("/admin/users", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task CreateUser_NoAdminKey_Returns401()
    {
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/admin/users", new { email = "x@example.com" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task IssueToken_UnknownUser_Returns404()
    {
        using var admin = factory.CreateAdminClient();

        using var response = await admin.PostAsync($"/admin/users/{ObjectIds.NewId()}/tokens", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Route_OtherFamiliesV1Paths_AreNotTakenByTheResourceRoutes()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "anything");

        using var shares = await client.GetAsync("/v1/shares");
        using var unknown = await client.PostAsync("/v1/widgets", null);

        Assert.NotEqual("{\"message\":\"Bearer Authentication Failed\"}", await shares.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
