using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Transfers.Testing;

namespace Transfers.Api.Tests.Ownership;

/// <summary>A user the tests created, with its bearer token.</summary>
public sealed record TestUser(string Id, string Email, string Token);

/// <summary>An owner's resources: one integration with two flows, a standalone flow and an unrelated integration.</summary>
public sealed record TestAccount(
    string Integration,
    string[] Flows,
    string[] Exports,
    string[] Imports,
    string[] Connections,
    string Script,
    string StandaloneFlow,
    string StandaloneExport,
    string OtherIntegration,
    string OtherFlow)
{
    /// <summary>Gets every resource the closure of <see cref="Integration"/> holds, as (collection, id).</summary>
    public IEnumerable<(string Collection, string Id)> IntegrationClosure =>
    [
        ("integrations", Integration), .. Flows.Select(f => ("flows", f)), .. Exports.Select(e => ("exports", e)),
        .. Imports.Select(i => ("imports", i)), .. Connections.Select(c => ("connections", c)), ("scripts", Script),
    ];
}

/// <summary>Calls of the Ownership API that the tests share.</summary>
public static class OwnershipTestApi
{
    public static async Task<TestUser> CreateUserAsync(this OwnershipApiFactory factory, string? name = null)
    {
        using var admin = factory.CreateAdminClient();
        var email = $"{Azurite.UniqueName("u")}@example.com";
        using var response = await admin.PostAsJsonAsync("/admin/users", new { email, name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TestUser(body.GetProperty("_id").GetString()!, email, body.GetProperty("token").GetString()!);
    }

    public static async Task<string> CreateResourceAsync(this HttpClient client, string collection, object body)
    {
        using var response = await client.PostAsJsonAsync($"/v1/{collection}", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;
    }

    public static async Task<TestAccount> CreateAccountAsync(this HttpClient owner)
    {
        var integration = await owner.CreateResourceAsync("integrations", new { name = "Shop sync" });
        var connections = new[]
        {
            await owner.CreateResourceAsync("connections", new { name = "Shop", type = "http", _integrationId = integration }),
            await owner.CreateResourceAsync("connections", new { name = "ERP", type = "rest" }),
        };
        var exports = new List<string>();
        var imports = new List<string>();
        var flows = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var export = await owner.CreateResourceAsync("exports", new { name = $"Orders {i}", type = "delta", _connectionId = connections[0] });
            var import = await owner.CreateResourceAsync("imports", new { name = $"Invoices {i}", adaptorType = "RESTImport", _connectionId = connections[1] });
            exports.Add(export);
            imports.Add(import);
            flows.Add(await owner.CreateResourceAsync("flows", new
            {
                name = $"Flow {i}",
                _integrationId = integration,
                pageGenerators = new[] { new { _exportId = export } },
                pageProcessors = new object[] { new { type = "import", _importId = import } },
            }));
        }

        var script = await owner.CreateResourceAsync("scripts", new { name = "hook", _integrationId = integration });
        var standaloneExport = await owner.CreateResourceAsync("exports", new { name = "Standalone export" });
        var standaloneFlow = await owner.CreateResourceAsync("flows", new { name = "Standalone", pageGenerators = new[] { new { _exportId = standaloneExport } } });
        var other = await owner.CreateResourceAsync("integrations", new { name = "Other" });
        var otherFlow = await owner.CreateResourceAsync("flows", new { name = "Other flow", _integrationId = other });
        return new TestAccount(integration, [.. flows], [.. exports], [.. imports], connections, script, standaloneFlow, standaloneExport, other, otherFlow);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(this HttpClient client, HttpMethod method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = body is string text ? new StringContent(text, System.Text.Encoding.UTF8, "application/json") : JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        var content = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, content.Length == 0 ? default : JsonDocument.Parse(content).RootElement.Clone());
    }

    public static async Task<JsonElement> InviteAsync(this HttpClient owner, object body)
    {
        var (status, json) = await owner.SendAsync(HttpMethod.Post, "/v1/transfers/invite", body);
        Assert.True(status == HttpStatusCode.Created, json.ToString());
        return json;
    }

    public static async Task<JsonElement> WaitForStatusAsync(this HttpClient client, string transferId, string status, TimeSpan? timeout = null) =>
        await Eventually.MatchAsync(
            async () => (await client.SendAsync(HttpMethod.Get, $"/v1/transfers/{transferId}")).Body,
            body => body.ValueKind == JsonValueKind.Object && body.GetProperty("status").GetString() == status,
            timeout ?? TimeSpan.FromSeconds(60));

    public static void AssertError(this JsonElement body, string code, string? field = null)
    {
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.True(
            errors.Any(e => e.GetProperty("code").GetString() == code && (field is null || (e.TryGetProperty("field", out var f) && f.GetString() == field))),
            $"Expected error {code} on {field}: {body}");
        Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString())));
    }

    public static string[] Ids(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetProperty("_id").GetString()!)];
}
