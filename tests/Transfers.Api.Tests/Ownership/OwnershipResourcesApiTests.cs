using System.Net;
using System.Text.Json;

namespace Transfers.Api.Tests.Ownership;

public sealed class OwnershipResourcesApiTests(OwnershipApiFactory factory) : IClassFixture<OwnershipApiFactory>
{
    [Fact]
    public async Task Create_ValidFlow_ReturnsTheDocumentAndOnlyTheOwnerSeesIt()
    {
        var owner = await factory.CreateUserAsync();
        var stranger = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);
        using var other = factory.CreateBearerClient(stranger.Token);
        var export = await client.CreateResourceAsync("exports", new { name = "E" });

        var (status, flow) = await client.SendAsync(HttpMethod.Post, "/v1/flows", new { name = "F", disabled = false, pageGenerators = new[] { new { _exportId = export } } });
        var id = flow.GetProperty("_id").GetString();
        var (mine, got) = await client.SendAsync(HttpMethod.Get, $"/v1/flows/{id}");
        var (theirs, _) = await other.SendAsync(HttpMethod.Get, $"/v1/flows/{id}");
        var (theirList, _) = await other.SendAsync(HttpMethod.Get, "/v1/flows");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(24, id!.Length);
        Assert.Equal(export, flow.GetProperty("pageGenerators")[0].GetProperty("_exportId").GetString());
        Assert.Equal(HttpStatusCode.OK, mine);
        Assert.Equal("F", got.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, theirs);
        Assert.Equal(HttpStatusCode.NoContent, theirList);
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"color\":\"red\"}", "unknown_field", "color")]
    [InlineData("{\"name\":7}", "invalid_type", "name")]
    [InlineData("{\"disabled\":\"yes\"}", "invalid_type", "disabled")]
    [InlineData("{\"_integrationId\":\"nope\"}", "invalid_ref", "_integrationId")]
    [InlineData("{\"pageProcessors\":[{\"_importId\":\"0123456789abcdef01234567\",\"_exportId\":\"0123456789abcdef01234567\"}]}", "missing_required_field", "pageProcessors[0]")]
    [InlineData("{\"name\":", "invalid_json", null)]
    [InlineData("[1,2]", "invalid_json", null)]
    [InlineData("{\"name\":\"x\",\"tags\":[\"ok\",\"\\ud800\"]}", "invalid_json", "tags[1]")]
    [InlineData("{\"name\":\"x\",\"name\":\"y\"}", "invalid_json", null)]
    [InlineData("", "missing_required_field", null)]
    public async Task Create_BadBody_Returns400Envelope(string json, string code, string? field)
    {
        var owner = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);

        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v1/flows", json.Length == 0 ? null : json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        body.AssertError(code, field);
    }

    [Theory]
    [InlineData("integrations", "{}", "missing_required_field")]
    [InlineData("flows", "{\"disabled\":true}", "missing_required_field")]
    [InlineData("integrations", "{\"name\":\"  \"}", "invalid_value")]
    public async Task Create_NoOrBlankName_Returns400OnName(string collection, string json, string code)
    {
        var owner = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);

        var (status, body) = await client.SendAsync(HttpMethod.Post, $"/v1/{collection}", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        body.AssertError(code, "name");
    }

    [Fact]
    public async Task Create_RevisionWithoutName_Returns201()
    {
        var owner = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);

        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v1/revisions", "{}");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(24, body.GetProperty("_id").GetString()!.Length);
    }

    [Theory]
    [InlineData("POST", "/v1/users", 404, "not_found")]
    [InlineData("GET", "/v1/nothing/here", 404, "not_found")]
    [InlineData("DELETE", "/v1/integrations/0123456789abcdef01234567", 405, "method_not_allowed")]
    [InlineData("POST", "/v1/transfers/0123456789abcdef01234567/accept", 405, "method_not_allowed")]
    [InlineData("PATCH", "/v1/transfers", 405, "method_not_allowed")]
    public async Task UnknownRouteOrMethod_UnderV1_ReturnsOwnershipEnvelope(string method, string path, int expected, string code)
    {
        var owner = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);

        var (status, body) = await client.SendAsync(new HttpMethod(method), path);

        Assert.Equal(expected, (int)status);
        body.AssertError(code);
        Assert.Contains(path, body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ReferenceToSomeoneElsesResource_Returns400InvalidRef()
    {
        var owner = await factory.CreateUserAsync();
        var stranger = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);
        using var other = factory.CreateBearerClient(stranger.Token);
        var theirIntegration = await other.CreateResourceAsync("integrations", new { name = "Theirs" });

        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v1/flows", new { name = "F", _integrationId = theirIntegration });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        body.AssertError("invalid_ref", "_integrationId");
    }

    [Fact]
    public async Task List_MoreThanAPage_FollowsTheLinkHeader()
    {
        var owner = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            created.Add(await client.CreateResourceAsync("stacks", new { name = $"S{i}" }));
        }

        var seen = new List<string>();
        var url = "/v1/stacks?pageSize=2";
        var pages = 0;
        while (url is not null)
        {
            using var response = await client.GetAsync(url);
            pages++;
            seen.AddRange(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Ids());
            url = response.Headers.TryGetValues("Link", out var links) ? new Uri(links.Single().Split('>')[0].TrimStart('<')).PathAndQuery : null;
        }

        Assert.Equal(2, pages);
        Assert.Equal(created.Order(StringComparer.Ordinal), seen);
    }
}
