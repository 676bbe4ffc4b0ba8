using System.Net;
using System.Text.Json;
using Transfers.Testing;

namespace Transfers.Api.Tests.Exports;

public sealed class ExportsApiValidationTests(ExportsApiFactory factory) : IClassFixture<ExportsApiFactory>
{
    public static TheoryData<string, string> BadTransferBodies => new()
    {
        { "{", "not valid JSON" },
        { "[]", "must be a JSON object" },
        { "", "must be a JSON object" },
        { """{"unknown":1}""", "Unknown field 'unknown'" },
        { """{"tags":{"k":"v\udc00"}}""", "'tags.k' must be Unicode text" },
        { """{"\ud800":1}""", "A member name of '$' must be Unicode text" },
        { """{"full_refresh":true,"full_refresh":false}""", "Duplicate property 'full_refresh'" },
        { """{"tags":{"k":"a","\u006b":"b"}}""", "Duplicate property 'k'" },
        { """{"full_refresh":"yes"}""", "'full_refresh' must be a boolean" },
        { """{"is_debug_mode":1}""", "'is_debug_mode' must be a boolean" },
        { """{"models":"m"}""", "'models' must be an array of strings" },
        { """{"models":[1]}""", "'models' must be an array of strings" },
        { """{"tags":["a"]}""", "'tags' must be an object of string values" },
        { """{"tags":{"a":1}}""", "'tags' must be an object of string values" },
        { """{"start_transfer_window_at":"2024-01-01"}""", "RFC 3339" },
        { """{"start_transfer_window_at":"yesterday"}""", "RFC 3339" },
        { """{"end_transfer_window_at":5}""", "must be a string" },
        { """{"start_transfer_window_at":"2024-01-02T00:00:00Z","end_transfer_window_at":"2024-01-01T00:00:00Z"}""", "must be before" },
        { """{"start_transfer_window_at":"2024-01-01T00:00:00Z","end_transfer_window_at":"2024-01-01T00:00:00Z"}""", "must be before" },
        { """{"start_transfer_window_at":"2999-01-01T00:00:00Z"}""", "must be before" },
        { """{"tags":{"bad key":"v"}}""", "Tag 'bad key'" },
        { """{"tags":{"k":"bad/value"}}""", "Tag 'k'" },
        { """{"models":["nosuchmodel"]}""", "Unknown model 'nosuchmodel'" },
        { """{"models":["disabledmodel"]}""", "not enabled" },
    };

    [Theory]
    [MemberData(nameof(BadTransferBodies))]
    public async Task CreateTransfer_InvalidBody_Returns400Envelope(string raw, string expected)
    {
        using var client = await factory.CreateTenantClientAsync();
        await ExportsCalls.CreateModelAsync(client, "enabledmodel", Azurite.UniqueName("src"));
        await ExportsCalls.CreateModelAsync(client, "disabledmodel", Azurite.UniqueName("src"));
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "d", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("c"), enabled_models = new[] { "enabledmodel" } });

        var (status, body) = await ExportsCalls.PostRawAsync(client, $"/destinations/{destination}/transfer", raw);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("tk_0123456789abcdef0123456789abcdef.secret")]
    public async Task CreateTransfer_MissingOrWrongKey_Returns401Envelope(string? key)
    {
        using var client = factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-KEY", key);
        }

        var (status, body) = await ExportsCalls.PostAsync(client, "/destinations/dst_00000000000000000000000000000000/transfer", new { });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        AssertError(body, "X-API-KEY");
    }

    [Theory]
    [InlineData("/models")]
    [InlineData("/destinations")]
    [InlineData("/transfers")]
    public async Task List_NoKey_Returns401Envelope(string path)
    {
        using var client = factory.CreateClient();

        var (status, body) = await ExportsCalls.GetAsync(client, path);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        AssertError(body, "X-API-KEY");
    }

    [Theory]
    [InlineData("dst_00000000000000000000000000000000")]
    [InlineData("not-an-id")]
    public async Task CreateTransfer_UnknownDestination_Returns404Envelope(string destinationId)
    {
        using var client = await factory.CreateTenantClientAsync();

        var (status, body) = await ExportsCalls.PostAsync(client, $"/destinations/{destinationId}/transfer", new { });

        Assert.Equal(HttpStatusCode.NotFound, status);
        AssertError(body, destinationId);
    }

    [Fact]
    public async Task OtherTenantsRecords_AreNotFound()
    {
        using var owner = await factory.CreateTenantClientAsync();
        using var other = await factory.CreateTenantClientAsync();
        await ExportsCalls.CreateModelAsync(owner, "secret", Azurite.UniqueName("src"));
        var destination = await ExportsCalls.CreateDestinationAsync(owner, new { name = "d", vendor = "azure_table_storage", table_prefix = "pre" });

        var transfer = await ExportsCalls.PostAsync(other, $"/destinations/{destination}/transfer", new { });
        var get = await ExportsCalls.GetAsync(other, $"/destinations/{destination}");
        var model = await ExportsCalls.GetAsync(other, "/models/secret");
        var list = await ExportsCalls.GetAsync(other, "/destinations");

        Assert.Equal(HttpStatusCode.NotFound, transfer.Status);
        AssertError(transfer.Body, "not found");
        Assert.Equal(HttpStatusCode.NotFound, get.Status);
        Assert.Equal(HttpStatusCode.NotFound, model.Status);
        Assert.Equal(0, list.Body.GetProperty("data").GetProperty("destinations").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"model_name":"m","source_table":"t1abc","primary_key":["id"]}""", "'last_updated_at_column' is required")]
    [InlineData("""{"model_name":"1m","source_table":"t1abc","primary_key":["id"],"last_updated_at_column":"u"}""", "model_name")]
    [InlineData("""{"model_name":"m","source_table":"bad-table","primary_key":["id"],"last_updated_at_column":"u"}""", "source_table")]
    [InlineData("""{"model_name":"m","source_table":"t1abc","primary_key":[],"last_updated_at_column":"u"}""", "primary_key")]
    [InlineData("""{"model_name":"m","source_table":"t1abc","primary_key":["id"],"last_updated_at_column":"u or 1"}""", "not a valid column name")]
    [InlineData("""{"model_name":"m","source_table":"t1abc","primary_key":["id"],"last_updated_at_column":"u","source_connection":"nope"}""", "No storage connection named 'nope'")]
    [InlineData("""{"model_name":"m","source_table":"t1abc","primary_key":["id"],"last_updated_at_column":"u","columns":["name"]}""", "must include the primary key")]
    [InlineData("""{"model_name":"m","source_table":"t1abc","primary_key":"id","last_updated_at_column":"u"}""", "array of strings")]
    [InlineData("""{"model_name":"m","extra":true}""", "Unknown field 'extra'")]
    [InlineData("""{"model_name":"m","source_table":"ApiKeys","primary_key":["id"],"last_updated_at_column":"u"}""", "holds the service's own records")]
    [InlineData("""{"model_name":"m","source_table":"ShareTransfers","primary_key":["id"],"last_updated_at_column":"u"}""", "holds the service's own records")]
    public async Task CreateModel_Invalid_Returns400Envelope(string raw, string expected)
    {
        using var client = await factory.CreateTenantClientAsync();

        var (status, body) = await ExportsCalls.PostRawAsync(client, "/models", raw);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, expected);
    }

    [Fact]
    public async Task Models_CreateGetListDelete_RoundTrips()
    {
        using var client = await factory.CreateTenantClientAsync();
        await ExportsCalls.CreateModelAsync(client, "orders", "ordersource");

        var duplicate = await ExportsCalls.PostAsync(client, "/models", new { model_name = "orders", source_table = "ordersource", primary_key = new[] { "id" }, last_updated_at_column = "u" });
        var get = await ExportsCalls.GetAsync(client, "/models/orders");
        var list = await ExportsCalls.GetAsync(client, "/models");
        using var deleted = await client.DeleteAsync("/models/orders");
        var after = await ExportsCalls.GetAsync(client, "/models/orders");

        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.Equal("success", get.Body.GetProperty("status").GetString());
        Assert.Equal("ordersource", get.Body.GetProperty("data").GetProperty("source_table").GetString());
        Assert.Equal("default", get.Body.GetProperty("data").GetProperty("source_connection").GetString());
        Assert.Equal(1, list.Body.GetProperty("data").GetProperty("models").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.Status);
        AssertError(after.Body, "not found");
    }

    [Theory]
    [InlineData("""{"name":"d","vendor":"s3"}""", "vendor")]
    [InlineData("""{"name":"d","vendor":"azure_blob_storage"}""", "bucket_name")]
    [InlineData("""{"name":"d","vendor":"azure_blob_storage","bucket_name":"Bad_Name"}""", "bucket_name")]
    [InlineData("""{"name":"d","vendor":"azure_blob_storage","bucket_name":"good","format":"parquet"}""", "format")]
    [InlineData("""{"name":"d","vendor":"azure_blob_storage","bucket_name":"good","compression":"zip"}""", "compression")]
    [InlineData("""{"name":"d","vendor":"azure_blob_storage","bucket_name":"good","path_prefix":"../x"}""", "path_prefix")]
    [InlineData("""{"name":"d","vendor":"azure_blob_storage","bucket_name":"app-package-abc1234"}""", "hold the service's own data")]
    [InlineData("""{"name":"d","vendor":"azure_table_storage"}""", "table_prefix")]
    [InlineData("""{"name":"d","vendor":"azure_table_storage","table_prefix":"1x"}""", "table_prefix")]
    [InlineData("""{"name":"d","vendor":"azure_table_storage","table_prefix":"x","connection":"missing"}""", "No storage connection named 'missing'")]
    [InlineData("""{"vendor":"azure_table_storage","table_prefix":"x"}""", "'name' is required")]
    [InlineData("""{"name":"a\u0000b","vendor":"azure_blob_storage","bucket_name":"good"}""", "control or invisible formatting characters")]
    [InlineData("""{"name":"ring\u0007","vendor":"azure_blob_storage","bucket_name":"good"}""", "control or invisible formatting characters")]
    [InlineData("""{"name":"invoice\u202Efdp.exe","vendor":"azure_blob_storage","bucket_name":"good"}""", "control or invisible formatting characters")]
    [InlineData("""{"name":"d","vendor":"azure_blob_storage","bucket_name":"good","enabled_models":["nope"]}""", "unknown model 'nope'")]
    public async Task CreateDestination_Invalid_Returns400Envelope(string raw, string expected)
    {
        using var client = await factory.CreateTenantClientAsync();

        var (status, body) = await ExportsCalls.PostRawAsync(client, "/destinations", raw);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, expected);
    }

    [Fact]
    public async Task Destinations_EnabledModelsOnlyTheTenantsModels_CreateAndPatchRefuseOthers()
    {
        using var client = await factory.CreateTenantClientAsync();
        using var other = await factory.CreateTenantClientAsync();
        await ExportsCalls.CreateModelAsync(client, "mine", Azurite.UniqueName("src"));
        await ExportsCalls.CreateModelAsync(other, "theirs", Azurite.UniqueName("src"));

        var (createdStatus, created) = await ExportsCalls.PostAsync(client, "/destinations", new { name = "d", vendor = "azure_blob_storage", bucket_name = "good", enabled_models = new[] { "mine" } });
        var id = created.GetProperty("data").GetProperty("id").GetString();
        var (theirsStatus, theirs) = await ExportsCalls.PostAsync(client, "/destinations", new { name = "d", vendor = "azure_blob_storage", bucket_name = "good", enabled_models = new[] { "mine", "theirs" } });
        using var patch = await client.PatchAsync($"/destinations/{id}", new StringContent("""{"enabled_models":["mine","nope"]}""", System.Text.Encoding.UTF8, "application/json"));
        var patched = JsonDocument.Parse(await patch.Content.ReadAsStringAsync()).RootElement;
        var (_, after) = await ExportsCalls.GetAsync(client, $"/destinations/{id}");

        Assert.Equal(HttpStatusCode.OK, createdStatus);
        Assert.Equal(HttpStatusCode.BadRequest, theirsStatus);
        AssertError(theirs, "unknown model 'theirs'");
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        AssertError(patched, "unknown model 'nope'");
        Assert.Equal(["mine"], after.GetProperty("data").GetProperty("enabled_models").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task Destinations_PatchAndDelete_UpdateGivenFieldsOnly()
    {
        using var client = await factory.CreateTenantClientAsync();
        var id = await ExportsCalls.CreateDestinationAsync(client, new { name = "before", vendor = "azure_blob_storage", bucket_name = "bucket", path_prefix = "exports", format = "csv" });

        using var patch = await client.PatchAsync($"/destinations/{id}", new StringContent("""{"name":"after","path_prefix":null}""", System.Text.Encoding.UTF8, "application/json"));
        var patched = JsonDocument.Parse(await patch.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        using var badPatch = await client.PatchAsync($"/destinations/{id}", new StringContent("""{"format":"xml"}""", System.Text.Encoding.UTF8, "application/json"));
        using var deleted = await client.DeleteAsync($"/destinations/{id}");
        var after = await ExportsCalls.GetAsync(client, $"/destinations/{id}");

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal("after", patched.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("path_prefix").ValueKind);
        Assert.Equal("csv", patched.GetProperty("format").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badPatch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.Status);
    }

    [Theory]
    [InlineData("/transfers/tr000000000000000000000000")]
    [InlineData("/transfers/nope")]
    [InlineData("/transfers/tr000000000000000000000000/logs")]
    public async Task GetTransfer_Unknown_Returns404Envelope(string path)
    {
        using var client = await factory.CreateTenantClientAsync();

        var (status, body) = await ExportsCalls.GetAsync(client, path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        AssertError(body, "not found");
    }

    [Theory]
    [InlineData("?page_size=0", "page_size")]
    [InlineData("?page_size=abc", "page_size")]
    [InlineData("?status=DONE", "status")]
    [InlineData("?submitted_after=today", "submitted_after")]
    [InlineData("?page_token=!!", "page_token")]
    [InlineData("?page_token=eyJhIjoxfQ", "page_token")]
    [InlineData("?page_token=eyJUZW5hbnQiOiJzb21lb25lLWVsc2UiLCJOZXh0IjoiYSBiIn0", "page_token")]
    public async Task ListTransfers_BadQuery_Returns400Envelope(string query, string expected)
    {
        using var client = await factory.CreateTenantClientAsync();

        var (status, body) = await ExportsCalls.GetAsync(client, "/transfers" + query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, expected);
    }

    [Fact]
    public async Task CreateTransfer_HugeBody_Returns400Envelope()
    {
        using var client = await factory.CreateTenantClientAsync();
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "d", vendor = "azure_table_storage", table_prefix = "pre" });

        var (status, body) = await ExportsCalls.PostRawAsync(client, $"/destinations/{destination}/transfer", "{\"tags\":{\"a\":\"" + new string('x', 200_000) + "\"}}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "larger than");
    }

    [Fact]
    public async Task CreateTransfer_MoreTagsThanTheLimit_Returns400EnvelopeAndStoresNothing()
    {
        // Arrange: 200 tags of 256-character values fit the 64 KiB body but not one table property.
        using var client = await factory.CreateTenantClientAsync();
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "d", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("c") });
        var tags = Enumerable.Range(0, 200).ToDictionary(i => $"k{i:D3}", _ => new string('v', 256));

        // Act
        var (status, body) = await ExportsCalls.PostAsync(client, $"/destinations/{destination}/transfer", new { tags });
        var (_, listed) = await ExportsCalls.GetAsync(client, "/transfers");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "at most 50 tags");
        Assert.Equal(0, listed.GetProperty("data").GetProperty("transfers").GetArrayLength());
    }

    [Fact]
    public async Task CreateTransfer_FiftyLongestTags_AreStoredAndShown()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "d", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("c") });
        var tags = Enumerable.Range(0, 50).ToDictionary(i => i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + new string('k', 253), _ => new string('v', 256));

        // Act
        var id = await ExportsCalls.SubmitAsync(client, destination, new { tags });
        var (_, transfer) = await ExportsCalls.GetAsync(client, $"/transfers/{id}");

        // Assert
        var shown = transfer.GetProperty("data").GetProperty("tags").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(tags, shown);
    }

    [Fact]
    public async Task CreateTransfer_MoreModelsThanTheLimit_Returns400Envelope()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var destination = await ExportsCalls.CreateDestinationAsync(client, new { name = "d", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("c") });
        var models = Enumerable.Range(0, 501).Select(i => $"m{i}").ToArray();

        // Act
        var (status, body) = await ExportsCalls.PostAsync(client, $"/destinations/{destination}/transfer", new { models });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "at most 500 models");
    }

    [Fact]
    public async Task CreateDestination_EnabledModelsBeyondOneProperty_Returns400Envelope()
    {
        // Arrange: 800 model names of 40 characters fit the body but not one table property.
        using var client = await factory.CreateTenantClientAsync();
        var names = Enumerable.Range(0, 800).Select(i => "m" + i.ToString("D39", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        // Act
        var (status, body) = await ExportsCalls.PostAsync(client, "/destinations", new { name = "d", vendor = "azure_blob_storage", bucket_name = "bucket", enabled_models = names });
        var (_, listed) = await ExportsCalls.GetAsync(client, "/destinations");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "at most 500 models");
        Assert.Equal(0, listed.GetProperty("data").GetProperty("destinations").GetArrayLength());
    }

    [Fact]
    public async Task CreateModel_ColumnsBeyondOneProperty_Returns400Envelope()
    {
        // Arrange: 300 column names of 110 characters fit the body but not one table property.
        using var client = await factory.CreateTenantClientAsync();
        var columns = Enumerable.Range(0, 300).Select(i => "c" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + new string('x', 106)).ToArray();

        // Act
        var (status, body) = await ExportsCalls.PostAsync(client, "/models", new { model_name = "wide", source_table = "widesource", primary_key = new[] { columns[0] }, last_updated_at_column = "u", columns });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "at most 252 columns");
    }

    [Fact]
    public async Task CreateModel_TableNameInvalidForATableDestination_Returns400Envelope()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        await ExportsCalls.CreateDestinationAsync(client, new { name = "t", vendor = "azure_table_storage", table_prefix = "x" });

        // Act
        var (status, body) = await ExportsCalls.PostAsync(client, "/models", new { model_name = "a", source_table = "asource", primary_key = new[] { "id" }, last_updated_at_column = "u" });
        var (longStatus, _) = await ExportsCalls.PostAsync(client, "/models", new { model_name = "ab", source_table = "absource", primary_key = new[] { "id" }, last_updated_at_column = "u" });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "table name 'xa'");
        Assert.Equal(HttpStatusCode.OK, longStatus);
    }

    [Fact]
    public async Task CreateOrPatchDestination_TableNameInvalidForAModel_Returns400Envelope()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        await ExportsCalls.CreateModelAsync(client, "a", "asource");
        var blobs = await ExportsCalls.CreateDestinationAsync(client, new { name = "b", vendor = "azure_blob_storage", bucket_name = "bucket" });

        // Act
        var (createStatus, created) = await ExportsCalls.PostAsync(client, "/destinations", new { name = "t", vendor = "azure_table_storage", table_prefix = "x" });
        var (enabledStatus, enabled) = await ExportsCalls.PostAsync(client, "/destinations", new { name = "t", vendor = "azure_table_storage", table_prefix = "y", enabled_models = new[] { "b" } });
        using var patch = await client.PatchAsync($"/destinations/{blobs}", new StringContent("""{"vendor":"azure_table_storage","bucket_name":null,"table_prefix":"z"}""", System.Text.Encoding.UTF8, "application/json"));
        var patched = JsonDocument.Parse(await patch.Content.ReadAsStringAsync()).RootElement;
        var (longStatus, _) = await ExportsCalls.PostAsync(client, "/destinations", new { name = "t", vendor = "azure_table_storage", table_prefix = "xy" });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, createStatus);
        AssertError(created, "table name 'xa'");
        Assert.Equal(HttpStatusCode.BadRequest, enabledStatus);
        AssertError(enabled, "table name 'yb'");
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        AssertError(patched, "table name 'za'");
        Assert.Equal(HttpStatusCode.OK, longStatus);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("A_B")]
    [InlineData("a__b")]
    public async Task CreateModel_SameDestinationTableAsAnotherModel_Returns409Envelope(string name)
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        await ExportsCalls.CreateModelAsync(client, "a_b", "absource");

        // Act
        var (status, body) = await ExportsCalls.PostAsync(client, "/models", new { model_name = name, source_table = "absource", primary_key = new[] { "id" }, last_updated_at_column = "u" });
        using var deleted = await client.DeleteAsync("/models/a_b");
        var (afterDelete, _) = await ExportsCalls.PostAsync(client, "/models", new { model_name = name, source_table = "absource", primary_key = new[] { "id" }, last_updated_at_column = "u" });

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, status);
        AssertError(body, "same destination tables as model 'a_b'");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterDelete);
    }

    [Fact]
    public async Task OtherTenantsTransfer_GetCancelAndLogs_Return404Envelope()
    {
        // Arrange
        using var owner = await factory.CreateTenantClientAsync();
        using var other = await factory.CreateTenantClientAsync();
        var destination = await ExportsCalls.CreateDestinationAsync(owner, new { name = "d", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("c") });
        var transfer = await ExportsCalls.SubmitAsync(owner, destination, new { is_debug_mode = true });

        // Act
        var get = await ExportsCalls.GetAsync(other, $"/transfers/{transfer}");
        var cancel = await ExportsCalls.PostAsync(other, $"/transfers/{transfer}/cancel", new { });
        var logs = await ExportsCalls.GetAsync(other, $"/transfers/{transfer}/logs");
        var listed = await ExportsCalls.GetAsync(other, "/transfers");
        var own = await ExportsCalls.WaitEndedAsync(owner, transfer);

        // Assert
        foreach (var (status, body) in new[] { get, cancel, logs })
        {
            Assert.Equal(HttpStatusCode.NotFound, status);
            AssertError(body, $"Transfer '{transfer}' not found");
        }

        Assert.Equal(0, listed.Body.GetProperty("data").GetProperty("transfers").GetArrayLength());
        Assert.Equal("SUCCESS", own.GetProperty("status").GetString());
    }

    private static void AssertError(JsonElement body, string expected)
    {
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
        Assert.Contains(expected, body.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
