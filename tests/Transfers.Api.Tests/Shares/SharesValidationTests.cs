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

    public static TheoryData<string, string, string> InvalidShares => new()
    {
        { "{", "$", "JSON" },
        { "[]", "$", "The body must be a JSON object." },
        { """{"name":"n","source":{"container":"ok-box","\udc00":1}}""", "source", "A member name of 'source' must be Unicode text" },
        { """{"name":"n","source":{"container":"ok-box","container":"other-box"}}""", "$", "Duplicate property 'container'" },
        { """{"source":""" + ValidSource + "}", "name", "name is required." },
        { """{"name":"","source":""" + ValidSource + "}", "name", "name must not be empty." },
        { """{"name":5,"source":""" + ValidSource + "}", "name", "name must be a string." },
        { """{"name":"n"}""", "source", "The source is required." },
        { """{"name":"n","source":{"prefix":"p"}}""", "source.container", "container is required." },
        { """{"name":"n","source":{"container":"Bad_Name"}}""", "source.container", "3-63 lower-case letters, digits or single hyphens" },
        { """{"name":"n","source":{"container":"ok-box","prefix":"/abs"}}""", "source.prefix", "must not start with '/'" },
        { """{"name":"n","source":{"container":"ok-box","prefix":"a/../b"}}""", "source.prefix", "must not contain a '..' segment" },
        { """{"name":"n","source":{"container":"ok-box","prefix":"./x"}}""", "source.prefix", "must not contain a '.' segment" },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"files","container":"ok-box","prefix":"a/."}}""", "destination.prefix", "must not contain a '.' segment" },
        { """{"name":"n","source":{"container":"ok-box","connection":"nowhere"}}""", "source.connection", "No storage connection named 'nowhere' is configured." },
        { """{"name":"n","source":{"container":"ok-box","extra":1}}""", "source.extra", "Unknown field 'extra'." },
        { """{"name":"n","source":""" + ValidSource + ""","unknown":true}""", "unknown", "Unknown field 'unknown'." },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"bucket"}}""", "destination.kind", "kind must be \"files\", \"table\" or \"postgres\"." },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"files"}}""", "destination.container", "container is required." },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"table"}}""", "destination.tablePrefix", "tablePrefix is required." },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"table","tablePrefix":"1bad"}}""", "destination.tablePrefix", "1-40 letters or digits, starting with a letter" },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"files","container":"ok-box","tablePrefix":"x"}}""", "destination.tablePrefix", "tablePrefix belongs to a table destination." },
        { """{"name":"n","source":{"container":"azure-webjobs-hosts"}}""", "source.container", "hold the service's own data" },
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"files","container":"app-package-abc1234"}}""", "destination.container", "hold the service's own data" },
        // Share + Transfers would make ShareTransfers: the prefix is refused alone, whatever tables come later.
        { """{"name":"n","source":""" + ValidSource + ""","destination":{"kind":"table","tablePrefix":"Share"}}""", "destination.tablePrefix", "begins 'Shares', a name of the service's own tables" },
    };

    public static TheoryData<string, string, string, string> InvalidTransfers => new()
    {
        { FilesDestination, "{}", "transferEntity", "The transferEntity is required" },
        { FilesDestination, """{"transferEntity":"files"}""", "transferEntity", "must be an object of type \"files\" or an array of tables" },
        { FilesDestination, """{"transferEntity":{"type":"folder","pathNames":["a/"]}}""", "transferEntity.type", "must have type \"files\"" },
        { FilesDestination, """{"transferEntity":{"type":"files"}}""", "transferEntity.pathNames", "pathNames is required" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":[]}}""", "transferEntity.pathNames", "pathNames must hold 1-350 entries; it holds 0." },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":[""" + string.Join(",", Enumerable.Range(0, 351).Select(i => $"\"f{i}\"")) + "]}}", "transferEntity.pathNames", "pathNames must hold 1-350 entries; it holds 351." },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["../etc/passwd"]}}""", "transferEntity.pathNames[0]", "must not contain a '..' segment" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["a/./b"]}}""", "transferEntity.pathNames[0]", "must not contain a '.' segment" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["ok/","/abs"]}}""", "transferEntity.pathNames[1]", "must not start with '/'" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["a\u0001b"]}}""", "transferEntity.pathNames[0]", "must not contain control characters" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["a\\b"]}}""", "transferEntity.pathNames[0]", "must use '/' as separator" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["a//b"]}}""", "transferEntity.pathNames[0]", "must not contain empty segments" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":[""" + $"\"{new string('a', 1025)}\"" + "]}}", "transferEntity.pathNames[0]", "at most 1024 characters" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["a\ud800b"]}}""", "transferEntity.pathNames[0]", "lone surrogate" },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":[7]}}""", "transferEntity.pathNames[0]", "Each path must be a string." },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["a/"],"extra":1}}""", "transferEntity.extra", "Unknown field 'extra'." },
        { FilesDestination, """{"transferEntity":{"type":"files","pathNames":["a/"]},"options":{"transferNow":"yes"}}""", "options.transferNow", "transferNow must be true or false." },
        { FilesDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""", "transferEntity", "Tables need a table or postgres destination; this share's destination is a files destination." },
        { TableDestination, """{"transferEntity":{"type":"files","pathNames":["a/"]}}""", "transferEntity", "Files need a files destination; this share's destination is a table destination." },
        { TableDestination, """{"transferEntity":[]}""", "transferEntity", "A table transfer must hold 1-100 tables; it holds 0." },
        { TableDestination, """{"transferEntity":[{"type":"files","name":"orders","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""", "transferEntity[0].type", "must have type \"table\"" },
        { TableDestination, """{"transferEntity":[{"type":"table","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""", "transferEntity[0].name", "name is required." },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"or-ders","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}""", "transferEntity[0].name", "3-63 letters or digits, starting with a letter" },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","loadingPattern":"OVERWRITE"}]}""", "transferEntity[0].sourceTable", "sourceTable is required." },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"MERGE"}]}""", "transferEntity[0].loadingPattern", "loadingPattern must be APPEND_ONLY, UPDATE_AND_APPEND or OVERWRITE." },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"UPDATE_AND_APPEND"}]}""", "transferEntity[0].primaryKey", "UPDATE_AND_APPEND needs a primaryKey" },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"UPDATE_AND_APPEND","primaryKey":[]}]}""", "transferEntity[0].primaryKey", "1-10 non-empty column names" },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"OVERWRITE","fileType":"XLS"}]}""", "transferEntity[0].fileType", "fileType must be CSV, PARQUET or JSON." },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"OVERWRITE"},{"type":"table","name":"orders","sourceTable":"Other","loadingPattern":"OVERWRITE"}]}""", "transferEntity[1].name", "The table name 'orders' appears twice." },
        { "null", """{"transferEntity":{"type":"files","pathNames":["a/"]},"options":{"transferNow":true}}""", "options.transferNow", "transferNow:true needs a destination set in the share." },
        { TableDestination, """{"transferEntity":[{"type":"table","name":"keys","sourceTable":"ApiKeys","loadingPattern":"OVERWRITE"}]}""", "transferEntity[0].sourceTable", "holds the service's own records" },
    };

    [Theory]
    [MemberData(nameof(InvalidShares))]
    public async Task CreateShare_BrokenRule_Returns400NamingTheFieldAndTheRule(string body, string field, string rule)
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();

        // Act
        using var response = await PostRawAsync(client, "/v1/shares", body);

        // Assert
        await AssertValidationAsync(response, field, rule);
    }

    [Theory]
    [MemberData(nameof(InvalidTransfers))]
    public async Task CreateTransfer_BrokenRule_Returns400NamingTheFieldAndTheRule(string destination, string body, string field, string rule)
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, destination);

        // Act
        using var response = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", body);

        // Assert
        await AssertValidationAsync(response, field, rule);
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
        await AssertValidationAsync(start, "destination", "Set the share's destination first.");
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

    [Fact]
    public async Task CreateTransfer_LongestPathsOfCharactersJsonEscapes_StoresUpdatesAndReturnsThem()
    {
        // Arrange: 350 paths of 1,024 characters that the default JSON encoder writes as six each (2.1 million).
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, FilesDestination);
        var paths = Enumerable.Range(0, 350).Select(i => $"{i:D3}/" + new string('&', 1016) + "+<>é").ToArray();

        // Act
        using var created = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", FilesBody(paths));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var updated = await PutRawAsync(client, $"/v1/shares/{shareId}/transfers/{id}", FilesBody(paths.Reverse()));
        var read = await client.GetFromJsonAsync<JsonElement>($"/v1/shares/{shareId}/transfers/{id}");

        // Assert
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(paths.Reverse(), read.GetProperty("transferEntity").GetProperty("pathNames").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task CreateTransfer_PathsTooLargeToStore_Returns400NamingTheRule()
    {
        // Arrange: each path is valid, but emoji take 6 bytes per UTF-16 unit once stored: 2.1 MB in all.
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, FilesDestination);
        var paths = Enumerable.Range(0, 350).Select(i => $"{i:D3}/" + string.Concat(Enumerable.Repeat("\U0001F600", 510))).ToArray();

        // Act
        using var response = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", FilesBody(paths));

        // Assert
        await AssertValidationAsync(response, "transferEntity.pathNames", "more than the 524,288 (512 KiB) a transfer holds");
    }

    [Fact]
    public async Task CreateTransfer_TablesTooLargeToStore_Returns400NamingTheRule()
    {
        // Arrange: 100 tables with 10 primary key columns of 253 characters, nearly all of which JSON escapes.
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, TableDestination);
        var key = "[" + string.Join(",", Enumerable.Range(0, 10).Select(c => $"\"{c}{string.Concat(Enumerable.Repeat("\U0001F600", 126))}\"")) + "]";
        var tables = Enumerable.Range(0, 100).Select(i =>
            $$"""{"type":"table","name":"table{{i}}","sourceTable":"Orders","loadingPattern":"UPDATE_AND_APPEND","primaryKey":{{key}}}""");

        // Act
        using var response = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", $$"""{"transferEntity":[{{string.Join(",", tables)}}]}""");

        // Assert
        await AssertValidationAsync(response, "transferEntity", "The tables take");
    }

    [Fact]
    public async Task CreateTransfer_FiftyLiveAndCanceledOnes_AcceptsOneMoreForEachCanceled()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, FilesDestination);
        const string body = """{"transferEntity":{"type":"files","pathNames":["a/"]}}""";
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            using var created = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", body);
            ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        using var full = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", body);
        using var cancel = await client.DeleteAsync($"/v1/shares/{shareId}/transfers/{ids[7]}");

        // Act
        using var afterCancel = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", body);
        using var fullAgain = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", body);
        using var list = await client.GetAsync($"/v1/shares/{shareId}/transfers?limit=100");

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Created, afterCancel.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, fullAgain.StatusCode);
        Assert.Contains("not canceled or superseded", await fullAgain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(51, (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task CreateTransfer_SixtyAtOnceOnAnEmptyShare_CreatesExactlyFifty()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, FilesDestination);

        // Act
        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            PostRawAsync(client, $"/v1/shares/{shareId}/transfers", $$$"""{"transferEntity":{"type":"files","pathNames":["f{{{i}}}/"]}}""")));
        using var list = await client.GetAsync($"/v1/shares/{shareId}/transfers?limit=100");

        // Assert
        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(50, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(50, (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetArrayLength());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task ListTransfers_CursorWhoseTransferChangedStatus_ContinuesAfterItNewestFirst()
    {
        // Arrange: five created transfers, oldest first.
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, FilesDestination);
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await PostRawAsync(client, $"/v1/shares/{shareId}/transfers", """{"transferEntity":{"type":"files","pathNames":["a/"]}}""");
            created.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        var first = await client.GetFromJsonAsync<JsonElement>($"/v1/shares/{shareId}/transfers?status=created&limit=2");

        // Act: the last transfer of the first page leaves the filter before the next page is read.
        using var cancel = await client.DeleteAsync($"/v1/shares/{shareId}/transfers/{created[3]}");
        var second = await client.GetFromJsonAsync<JsonElement>(first.GetProperty("next").GetString());
        var third = await client.GetFromJsonAsync<JsonElement>(second.GetProperty("next").GetString());

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal([created[4], created[3]], Ids(first));
        Assert.Equal([created[2], created[1]], Ids(second));
        Assert.Equal([created[0]], Ids(third));
        Assert.False(third.TryGetProperty("next", out _));
        var times = new[] { first, second, third }.SelectMany(p => p.GetProperty("items").EnumerateArray())
            .Select(t => t.GetProperty("createdAt").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);

        static List<string?> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString())];
    }

    [Fact]
    public async Task ListTransfers_MalformedCursor_Returns400NamingTheRule()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await CreateShareAsync(client, FilesDestination);

        // Act
        using var idOnly = await client.GetAsync($"/v1/shares/{shareId}/transfers?cursor={new string('a', 32)}");
        using var badTicks = await client.GetAsync($"/v1/shares/{shareId}/transfers?cursor=99999999999999999999-{new string('a', 32)}");

        // Assert
        await AssertValidationAsync(idOnly, "cursor", "previous page's next link");
        await AssertValidationAsync(badTicks, "cursor", "previous page's next link");
    }

    [Fact]
    public async Task ListShares_MoreThanAPage_PagesNewestFirstUntilNoNext()
    {
        // Arrange: five shares, oldest first.
        using var client = await factory.CreateTenantClientAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateShareAsync(client, FilesDestination));
        }

        // Act: the third share of the first page is deleted before the next page is read.
        var first = await client.GetFromJsonAsync<JsonElement>("/v1/shares?limit=2");
        using var delete = await client.DeleteAsync($"/v1/shares/{created[3]}");
        var second = await client.GetFromJsonAsync<JsonElement>(first.GetProperty("next").GetString());
        var third = await client.GetFromJsonAsync<JsonElement>(second.GetProperty("next").GetString());
        var whole = await client.GetFromJsonAsync<JsonElement>("/v1/shares");

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal([created[4], created[3]], Ids(first));
        Assert.Equal([created[2], created[1]], Ids(second));
        Assert.Equal([created[0]], Ids(third));
        Assert.False(third.TryGetProperty("next", out _));
        Assert.Equal([created[4], created[2], created[1], created[0]], Ids(whole));
        Assert.False(whole.TryGetProperty("next", out _));

        static List<string?> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString())];
    }

    [Theory]
    [InlineData("limit=0", "limit", "from 1 to 100")]
    [InlineData("limit=101", "limit", "from 1 to 100")]
    [InlineData("limit=abc", "limit", "from 1 to 100")]
    [InlineData("limit=-1", "limit", "from 1 to 100")]
    [InlineData("cursor=zzz", "cursor", "previous page's next link")]
    [InlineData("cursor=99999999999999999999-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "cursor", "previous page's next link")]
    public async Task ListShares_BadLimitOrCursor_Returns400NamingTheRule(string query, string field, string rule)
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();

        // Act
        using var response = await client.GetAsync($"/v1/shares?{query}");

        // Assert
        await AssertValidationAsync(response, field, rule);
    }

    [Fact]
    public async Task CreateShare_PastTheCap_Returns409UntilOneIsDeleted()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var created = new List<string>();
        for (var i = 0; i < SharesFactory.MaxShares; i++)
        {
            created.Add(await CreateShareAsync(client, FilesDestination));
        }

        // Act
        using var full = await PostRawAsync(client, "/v1/shares", $$"""{"name":"v","source":{{ValidSource}}}""");
        using var delete = await client.DeleteAsync($"/v1/shares/{created[0]}");
        using var again = await PostRawAsync(client, "/v1/shares", $$"""{"name":"v","source":{{ValidSource}}}""");

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Equal("application/problem+json", full.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"at most {SharesFactory.MaxShares} shares", await full.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task CreateShare_ManyAtOnce_CreatesExactlyTheCap()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();

        // Act
        var responses = await Task.WhenAll(Enumerable.Range(0, SharesFactory.MaxShares + 8).Select(i =>
            PostRawAsync(client, "/v1/shares", $$"""{"name":"s{{i}}","source":{{ValidSource}}}""")));
        var list = await client.GetFromJsonAsync<JsonElement>("/v1/shares?limit=100");

        // Assert
        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(SharesFactory.MaxShares, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(8, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(SharesFactory.MaxShares, list.GetProperty("items").GetArrayLength());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private static async Task<string> CreateShareAsync(HttpClient client, string destination)
    {
        using var response = await PostRawAsync(client, "/v1/shares", $$"""{"name":"v","source":{{ValidSource}},"destination":{{destination}}}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>A files transfer body with the paths as they are: a serializer would escape them and could pass the 1 MiB body limit.</summary>
    private static string FilesBody(IEnumerable<string> paths) =>
        $$$"""{"transferEntity":{"type":"files","pathNames":[{{{string.Join(",", paths.Select(p => $"\"{p}\""))}}}]}}""";

    internal static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, string body) =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private static Task<HttpResponseMessage> PutRawAsync(HttpClient client, string path, string body) =>
        client.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    internal static async Task AssertValidationAsync(HttpResponseMessage response, string field, string rule)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages) && messages.GetArrayLength() > 0, $"no error for '{field}': {text}");
        Assert.True(
            messages.EnumerateArray().Any(m => m.GetString()!.Contains(rule, StringComparison.Ordinal)),
            $"no error for '{field}' names the rule '{rule}': {text}");
    }
}
