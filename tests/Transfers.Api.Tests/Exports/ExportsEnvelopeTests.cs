using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Transfers.Testing;

namespace Transfers.Api.Tests.Exports;

/// <summary>Errors the framework raises outside the handlers (unknown paths, wrong methods, exceptions) answer in the family's envelope.</summary>
public sealed class ExportsEnvelopeTests(ExportsApiFactory factory) : IClassFixture<ExportsApiFactory>
{
    [Theory]
    [InlineData("/models/orders/columns")]
    [InlineData("/destinations/dst_00000000000000000000000000000000/transfers")]
    [InlineData("/transfers/tr000000000000000000000000/logs/all")]
    [InlineData("/TRANSFERS/a/b/c")]
    public async Task UnknownPath_UnderExportsRoutes_Returns404Envelope(string path)
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();

        // Act
        using var response = await client.GetAsync(path);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertEnvelopeAsync(response, "No route matches GET");
    }

    [Theory]
    [InlineData("PUT", "/models")]
    [InlineData("PATCH", "/models/orders")]
    [InlineData("DELETE", "/transfers")]
    [InlineData("GET", "/destinations/dst_00000000000000000000000000000000/transfer")]
    [InlineData("DELETE", "/transfers/tr000000000000000000000000")]
    public async Task WrongMethod_OnExportsRoute_Returns405Envelope(string method, string path)
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        // Act
        using var response = await client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        await AssertEnvelopeAsync(response, $"{method} is not allowed");
    }

    [Fact]
    public async Task UnhandledException_OnExportsRoute_Returns500EnvelopeWithoutExceptionText()
    {
        // Arrange: a model record whose stored primary key is not JSON makes reading it throw.
        using var client = await factory.CreateTenantClientAsync();
        var name = "m" + Azurite.UniqueName("c");
        await ExportsCalls.CreateModelAsync(client, name, "source");
        var models = Azurite.Tables.GetTableClient("ExportModels");
        var row = await models.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {name}")).FirstAsync();
        row["PrimaryKey"] = "{broken";
        await models.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge);

        // Act
        using var response = await client.GetAsync($"/models/{name}");
        var text = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
        Assert.Equal(FamilyErrorEnvelopes.InternalErrorMessage, body.GetProperty("message").GetString());
        Assert.DoesNotContain("broken", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Json", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/shares/a/b/c/d/e")]
    [InlineData("/v2/unknown")]
    [InlineData("/modelsx")]
    public async Task UnknownPath_OutsideExports_KeepsProblemJson(string path)
    {
        // Arrange
        using var client = factory.CreateClient();

        // Act
        using var response = await client.GetAsync(path);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task AssertEnvelopeAsync(HttpResponseMessage response, string expected)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
        Assert.Contains(expected, body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
