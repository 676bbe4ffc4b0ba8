using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Testing;

namespace Transfers.Api.Tests;

public sealed class DurableManagementApiTests(DurableManagementApiTests.Factory factory) : IClassFixture<DurableManagementApiTests.Factory>
{
    private const string Base = "/runtime/webhooks/durabletask/instances";

    [Fact]
    public async Task GetInstance_Unknown_Returns404()
    {
        using var client = factory.CreateAdminClient();

        using var response = await client.GetAsync($"{Base}/no-such-instance");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ListInstances_WithoutAdminKey_Returns401()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(Base);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RaiseEvent_WaitingInstance_Returns202AndInstanceCompletesWithPayload()
    {
        // Arrange
        using var client = factory.CreateAdminClient();
        var id = await StartWaiterAsync();

        // Act
        using var raised = await client.PostAsJsonAsync($"{Base}/{id}/raiseEvent/Go", new { approved = true });
        var body = await Eventually.MatchAsync(() => GetJsonAsync(client, $"{Base}/{id}?showHistory=true&showHistoryOutput=true"), b => b.GetProperty("runtimeStatus").GetString() == "Completed");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);
        Assert.Equal(nameof(GoWaiter), body.GetProperty("name").GetString());
        Assert.Equal(id, body.GetProperty("instanceId").GetString());
        Assert.True(body.GetProperty("output").GetProperty("approved").GetBoolean());
        Assert.Equal("waiting", body.GetProperty("input").GetString());
        Assert.True(body.TryGetProperty("createdTime", out _) && body.TryGetProperty("lastUpdatedTime", out _) && body.TryGetProperty("customStatus", out _));
        Assert.Contains(body.GetProperty("historyEvents").EnumerateArray(), e => e.GetProperty("EventType").GetString() == "EventRaised" && e.GetProperty("Result").GetProperty("approved").GetBoolean());
    }

    [Fact]
    public async Task RaiseEvent_CompletedInstance_Returns410()
    {
        // Arrange
        using var client = factory.CreateAdminClient();
        var id = await StartWaiterAsync();
        using var first = await client.PostAsJsonAsync($"{Base}/{id}/raiseEvent/go", 1);
        await Eventually.MatchAsync(() => GetJsonAsync(client, $"{Base}/{id}"), b => b.GetProperty("runtimeStatus").GetString() == "Completed");

        // Act
        using var second = await client.PostAsJsonAsync($"{Base}/{id}/raiseEvent/go", 2);

        // Assert
        Assert.Equal(HttpStatusCode.Gone, second.StatusCode);
    }

    [Fact]
    public async Task TerminateThenPurge_RunningInstance_TerminatesAndDeletesOnce()
    {
        // Arrange
        using var client = factory.CreateAdminClient();
        var id = await StartWaiterAsync();

        // Act
        using var terminated = await client.PostAsync($"{Base}/{id}/terminate?reason=enough", null);
        var body = await Eventually.MatchAsync(() => GetJsonAsync(client, $"{Base}/{id}"), b => b.GetProperty("runtimeStatus").GetString() == "Terminated");
        using var purged = await client.DeleteAsync($"{Base}/{id}");
        using var again = await client.DeleteAsync($"{Base}/{id}");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        Assert.Equal("enough", body.GetProperty("output").GetString());
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(1, (await purged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task ListInstances_PrefixAndTop_PagesWithContinuationHeader()
    {
        // Arrange
        using var client = factory.CreateAdminClient();
        var prefix = Azurite.UniqueName("list");
        for (var i = 0; i < 3; i++)
        {
            await StartWaiterAsync($"{prefix}-{i}");
        }

        // Act
        var ids = new List<string>();
        string? token = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}?instanceIdPrefix={prefix}&top=2&runtimeStatus=Pending,Running");
            if (token is not null)
            {
                request.Headers.Add("x-ms-continuation-token", token);
            }

            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            ids.AddRange(page.EnumerateArray().Select(e => e.GetProperty("instanceId").GetString()!));
            token = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.First() : null;
        }
        while (token is not null);

        // Assert
        Assert.Equal(Enumerable.Range(0, 3).Select(i => $"{prefix}-{i}"), ids.Order());
    }

    private async Task<string> StartWaiterAsync(string? id = null)
    {
        var client = factory.Services.GetRequiredService<IDurableClient>();
        return await client.ScheduleNewOrchestrationInstanceAsync(nameof(GoWaiter), "waiting", new StartOrchestrationOptions(id));
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Waits for "go" and returns its payload.</summary>
    public sealed class GoWaiter : Orchestrator<string, JsonElement>
    {
        public override Task<JsonElement> RunAsync(IOrchestrationContext context, string input) => context.WaitForExternalEvent<JsonElement>("go");
    }

    /// <summary>The local host in memory with its own task hub and the test orchestration.</summary>
    public sealed class Factory : WebApplicationFactory<Program>
    {
        public HttpClient CreateAdminClient()
        {
            var client = CreateClient();
            client.DefaultRequestHeaders.Add("X-API-KEY", TransfersApiFactory.AdminKey);
            return client;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = Azurite.ConnectionString,
                ["Transfers:AdminApiKey"] = TransfersApiFactory.AdminKey,
                ["Transfers:Durable:HubName"] = Azurite.UniqueName("api"),
            }));
            builder.ConfigureServices(services => services.AddDurableTasks(r => r.AddOrchestrator<GoWaiter>()));
        }
    }
}
