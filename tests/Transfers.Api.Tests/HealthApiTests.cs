using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Transfers.Testing;

namespace Transfers.Api.Tests;

/// <summary><c>/health</c> reports the host's storage: its tables and blobs reached through relays that the tests close and open.</summary>
public sealed class HealthApiTests : IDisposable
{
    private readonly TcpRelay _blobs = TcpRelay.Start(Azurite.Blobs.Uri);
    private readonly TcpRelay _tables = TcpRelay.Start(Azurite.Tables.Uri);

    [Fact]
    public async Task Health_StorageHealthy_Returns200NamingEachCheck()
    {
        // Arrange: a first call starts the host's endpoints and opens the storage connections; its result is reused
        // for a second, so the timed call, after that, runs both checks again.
        await using var factory = new Factory(this);
        using var client = factory.CreateClient();
        using var warm = await client.GetAsync("/health");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        // Act
        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync("/health");
        watch.Stop();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("tables").GetProperty("status").GetString());
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("blobs").GetProperty("status").GetString());
        Assert.True(watch.Elapsed < HealthApi.CheckTimeout, $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Health_TablesUnreachable_Returns503NamingTablesThen200OnceBack()
    {
        // Arrange
        await using var factory = new Factory(this);
        using var client = factory.CreateClient();
        using var before = await client.GetAsync("/health");

        // Act
        _tables.Close();
        var down = await Eventually.MatchAsync(() => client.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        var downBody = await down.Content.ReadFromJsonAsync<JsonElement>();
        _tables.Open();
        var up = await Eventually.MatchAsync(() => client.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal("unhealthy", downBody.GetProperty("status").GetString());
        var tables = downBody.GetProperty("checks").GetProperty("tables");
        Assert.Equal("unhealthy", tables.GetProperty("status").GetString());
        Assert.Contains("tables of AzureWebJobsStorage", tables.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("healthy", downBody.GetProperty("checks").GetProperty("blobs").GetProperty("status").GetString());
        Assert.DoesNotContain("AccountKey", downBody.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        down.Dispose();
        up.Dispose();
    }

    [Fact]
    public async Task Health_BlobsUnreachable_Returns503NamingBlobs()
    {
        // Arrange
        await using var factory = new Factory(this);
        using var client = factory.CreateClient();
        using var before = await client.GetAsync("/health");

        // Act
        _blobs.Close();
        using var down = await Eventually.MatchAsync(() => client.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        var body = await down.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("blobs").GetProperty("status").GetString());
        Assert.Contains("containers of AzureWebJobsStorage", body.GetProperty("checks").GetProperty("blobs").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("tables").GetProperty("status").GetString());
    }

    public void Dispose()
    {
        _blobs.Dispose();
        _tables.Dispose();
    }

    /// <summary>The host with its blob and table endpoints through the relays; the queues direct.</summary>
    private sealed class Factory(HealthApiTests test) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            var storage = string.Join(';', Azurite.ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2) switch
            {
                ["BlobEndpoint", _] => $"BlobEndpoint={test._blobs.Through(Azurite.Blobs.Uri)}",
                ["TableEndpoint", _] => $"TableEndpoint={test._tables.Through(Azurite.Tables.Uri)}",
                _ => pair,
            }));
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = storage,
                ["Transfers:AdminApiKey"] = "test-admin-key",
                ["Transfers:Durable:HubName"] = Azurite.UniqueName("health"),
                ["Logging:LogLevel:Default"] = "Critical",
            }));
        }
    }
}
