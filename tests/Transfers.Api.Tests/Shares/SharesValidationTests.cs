using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Transfers.Api.Tests.Shares;

public sealed class SharesValidationTests(SharesFactory factory) : IClassFixture<SharesFactory>
{
    private const string ValidSource = """{"container":"source-box","prefix":"provider"}""";
    private const string FilesDestination = """{"kind":"files","container":"dest-box","prefix":"consumer"}""";
    private const string TableDestination = """{"kind":"table","tablePrefix":"shared"}""";

    public static TheoryData<string, string> InvalidShares => new()
    {
        { "{", "$" },
        { "[]", "$" },
        { """{"source":""" + ValidSource + "}", "name" },
        { """{"name":"","source":""" + ValidSource + "}", "name" },
        { """{"name":5,"source":""" + ValidSource + "}", "name" },
        { """{"name":"n"}""", "source" },
        { """{"name":"n","source":{"prefix":"p"}}""", "source.container" },
        { """{"name":"n","source":{"container":"Bad_Name"}}""", "source.container" },
        { """{"name":"n","source":{"container":"ok-box","prefix":"/abs"}}""", "source.prefix" },
        { """{"name":"n","source":{"container":"ok-box","prefix":"a/../b"}}""", "source.prefix" },
        { """{"name":"n","source":{"container":"ok-box","connection":"nowhere"}}""", "source.connection" },
        { """{"name":"n","source":{"container":"ok-box","extra":1}}""", "source.extra" },
        { """{"name":"n","source":""" + ValidSource + ""","unknown":true}""", "unknown" },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"bucket"}}""", "destination.kind" },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"files"}}""", "destination.container" },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"table"}}""", "destination.tablePrefix" },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"table","tablePrefix":"1bad"}}""", "destination.tablePrefix" },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"files","container":"ok-box","tablePrefix":"x"}}""", "destination.tablePrefix" },
    };

    public static TheoryData<string, string, string> InvalidTransfers => new()
    {
        { FilesDestination, "{}", "transferEntity" },
        { FilesDestination, """{"transferEntity":"files"}""", "transferEntity" },
        { FilesDestination, """{"transferEntity":{"type":"folder","pathNames":["a/"]}}""", "transferEntity.type" },
        { FilesDestination, """{"transferEntity":{"type":"files"}}""", "transferEntity.pathNames" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":[]}}""", "transferEntity.pathNames" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":[""" + string.Join(",", Enumerable.Range(0, 351).Select(i => $"\"f{i}\"")) + "]}}", "transferEntity.pathNames" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["../etc/passwd"]}}""", "transferEntity.pathNames[0]" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["ok/","/abs"]}}""", "transferEntity.pathNames[1]" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["a\u0001b"]}}""", "transferEntity.pathNames[0]" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":[7]}}""", "transferEntity.pathNames[0]" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["a/"],"extra":1}}""", "transferEntity.extra" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["a/"]},"options":{"transferNow":"yes"}}""", "options.transferNow" },
        { FilesDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""", "transferEntity" },
        { TableDestination, """{"transferEntity":{"type":"files","pathNames":["a/"]}}""", "transferEntity" },
        { TableDestination, """{"transferEntity":[]}""", "transferEntity" },
        { TableDestination, """{"transferEntity":[{"type":"files","name":"orders","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""", "transferEntity[0].type" },
        { TableDestination, """{"transferEntity":[{"type":"table","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""", "transferEntity[0].name" },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"or-ders","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""", "transferEntity[0].name" },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","loadingPattern":"OVERWRITE"}]}""", "transferEntity[0].sourceTable" },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"MERGE"}]}""", "transferEntity[0].loadingPattern" },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"UPDATE_AND_APPEND"}]}""", "transferEntity[0].primaryKey" },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"UPDATE_AND_APPEND","primaryKey":[]}]}""", "transferEntity[0].primaryKey" },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"OVERWRITE","fileType":"XLS"}]}""", "transferEntity[0].fileType" },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"OVERWRITE"},{"type":"table","name":"orders","sourceTable":"Other","loadingPattern":"OVERWRITE"}]}""", "transferEntity[1].name" },
        { "null", """{"transferEntity":{"type":"files","pathNames":["a/"]},"options":{"transferNow":true}}""", "options.transferNow" },
    };

    [Theory]
    [MemberData(nameof(InvalidShares))]
    public async Task CreateShare_BrokenRule_Returns400NamingTheField(string body, string field)
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();

        // Act
        using var response = await PostRawAsync(client, "/v1/shares", body);

        // Assert
        await AssertValidationAsync(response, field);
    }

    [Theory]
    [MemberData(nameof(InvalidTransfers))]
    public async Task CreateTransfer_BrokenRule_Returns400NamingTheField(string destination, string body, string field)
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, destination);

        // Act
        using var response = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", body);

        // Assert
        await AssertValidationAsync(response, field);
    }

    [Fact]
    public async Task CreateTransfer_ValidTables_Returns201WithTheTablesArray()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, TableDestination);

        // Act
        using var response = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", """
            {"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"UPDATE_AND_APPEND","primaryKey":["id"],"fileType":"PARQUET"}],
             "options":{"transferNow":false}}
            """);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("created", body.GetProperty("status").GetString());
        var table = body.GetProperty("transferEntity")[0];
        Assert.Equal("table", table.GetProperty("type").GetString());
        Assert.Equal("id", table.GetProperty("primaryKey")[0].GetString());
        Assert.False(body.GetProperty("options").GetProperty("transferNow").GetBoolean());
    }

    [Fact]
    public async Task CreateTransfer_FiftyFirst_Returns409()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, FilesDestination);
        const string body = """{"transferEntity":{"type":"files","pathNames":["a/"]}}""";
        for (var i = 0; i < 50; i++)
        {
            using var created = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", body);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // Act
        using var response = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", body);
        using var page = await client.GetAsync($"/v1/shares/{shareId}/transfers?limit=20");
        var first = await page.Content.ReadFromJsonAsync<JsonElement>();
        using var nextPage = await client.GetAsync(first.GetProperty("next").GetString());
        var second = await nextPage.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("at most 50", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(20, first.GetProperty("items").GetArrayLength());
        Assert.Equal(20, second.GetProperty("items").GetArrayLength());
        Assert.Empty(first.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString())
            .Intersect(second.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString())));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("tk_wrong.key")]
    public async Task AnyRoute_MissingOrWrongKey_Returns401Problem(string? key)
    {
        // Arrange
        using var client = factory.CreateClient(key);

        // Act
        using var list = await client.GetAsync("/v1/shares");
        using var create = await PostRawAsync(client, "/v1/shares", "{}");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal("application/problem+json", list.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnotherTenantsShare_Returns404Everywhere()
    {
        // Arrange
        using var owner = await factory.CreateTenantClientAsync();
        using var other = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(owner, FilesDestination);
        using var created = await PostRawAsync(owner, $"/v1/shares/{shareId}/transfers", """{"transferEntity":{"type":"files","pathNames":["a/"]}}""");
        var transferId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        // Act
        using var share = await other.GetAsync($"/v1/shares/{shareId}");
        using var transfer = await other.GetAsync($"/v1/shares/{shareId}/transfers/{transferId}");
        using var start = await other.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null);
        using var delete = await other.DeleteAsync($"/v1/shares/{shareId}");
        using var list = await other.GetAsync("/v1/shares");
        using var badId = await owner.GetAsync("/v1/shares/..%2F..%2Fetc");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, share.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, transfer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(0, (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, badId.StatusCode);
    }

    [Fact]
    public async Task StartTransfer_NoDestination_Returns400ThenSetDestinationAllowsIt()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, "null");
        using var created = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", """{"transferEntity":{"type":"files","pathNames":["a/"]}}""");
        var transferId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        // Act
        using var start = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null);
        using var wrongKind = await PutRawAsync(client, $"/v1/shares/{shareId}/destination", TableDestination);
        using var setDestination = await PutRawAsync(client, $"/v1/shares/{shareId}/destination", FilesDestination);
        using var pauseCreated = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/pause", null);

        // Assert
        await AssertValidationAsync(start, "destination");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, wrongKind.StatusCode);
        Assert.Equal(HttpStatusCode.OK, setDestination.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, pauseCreated.StatusCode);
        Assert.Contains("created", await pauseCreated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListTransfers_BadQuery_Returns400()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, FilesDestination);

        // Act
        using var response = await client.GetAsync($"/v1/shares/{shareId}/transfers?status=running&limit=0&cursor=zzz");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("status", out _) && errors.TryGetProperty("limit", out _) && errors.TryGetProperty("cursor", out _));
    }

    private static async Task<string> CreateShareAsync(HttpClient client, string destination)
    {
        using var response = await PostRawAsync(client, "/v1/shares", $$"""{"name":"v","source":{{ValidSource}},"destination":{{destination}}}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, string body) =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private static Task<HttpResponseMessage> PutRawAsync(HttpClient client, string path, string body) =>
        client.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task AssertValidationAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages) && messages.GetArrayLength() > 0, $"no error for '{field}': {text}");
    }
}
