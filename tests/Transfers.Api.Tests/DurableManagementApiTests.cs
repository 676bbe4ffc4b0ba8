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

/// <summary>The management API's tests, run on both durable backends by the derived classes.</summary>
public abstract class DurableManagementApiTests(DurableManagementApiTests.Factory factory)
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

    [Theory]
    [InlineData("query")]
    [InlineData("header")]
    public async Task ListInstances_AdminKeyAsFunctionsKey_Returns200(string where)
    {
        // Arrange: Durable Functions clients send their key as ?code= or in x-functions-key.
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, where == "query" ? $"{Base}?code={TransfersApiFactory.AdminKey}" : Base);
        if (where == "header")
        {
            request.Headers.Add("x-functions-key", TransfersApiFactory.AdminKey);
        }

        // Act
        using var response = await client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task FunctionsKey_WrongOrOutsideTheManagementApi_Returns401()
    {
        // Arrange
        using var client = factory.CreateClient();
        using var elsewhere = new HttpRequestMessage(HttpMethod.Post, $"/admin/tenants/{Azurite.UniqueName("t")}/keys?code={TransfersApiFactory.AdminKey}");
        elsewhere.Headers.Add("x-functions-key", TransfersApiFactory.AdminKey);

        // Act
        using var wrong = await client.GetAsync($"{Base}?code=wrong-key");
        using var admin = await client.SendAsync(elsewhere);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
    }

    [Fact]
    public async Task Purge_RunningInstance_Returns412AndKeepsIt()
    {
        // Arrange
        using var client = factory.CreateAdminClient();
        var id = await StartWaiterAsync();

        // Act
        using var purged = await client.DeleteAsync($"{Base}/{id}");
        using var after = await client.GetAsync($"{Base}/{id}");

        // Assert
        Assert.Equal(HttpStatusCode.PreconditionFailed, purged.StatusCode);
        Assert.Contains("only finished instances", await purged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
    }

    [Fact]
    public async Task SuspendThenResume_WaitingInstance_StaysSuspendedWithItsEventThenCompletes()
    {
        // Arrange
        using var client = factory.CreateAdminClient();
        var id = await StartWaiterAsync();
        await Eventually.MatchAsync(() => GetJsonAsync(client, $"{Base}/{id}"), b => b.GetProperty("runtimeStatus").GetString() == "Running");

        // Act
        using var suspended = await client.PostAsync($"{Base}/{id}/suspend?reason=hold", null);
        await Eventually.MatchAsync(() => GetJsonAsync(client, $"{Base}/{id}"), b => b.GetProperty("runtimeStatus").GetString() == "Suspended");
        using var raised = await client.PostAsJsonAsync($"{Base}/{id}/raiseEvent/go", "while suspended");
        await Task.Delay(1000);
        var whileSuspended = await GetJsonAsync(client, $"{Base}/{id}");
        using var resumed = await client.PostAsync($"{Base}/{id}/resume?reason=go%20on", null);
        var done = await Eventually.MatchAsync(() => GetJsonAsync(client, $"{Base}/{id}"), b => b.GetProperty("runtimeStatus").GetString() == "Completed");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, suspended.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        Assert.Equal("Suspended", whileSuspended.GetProperty("runtimeStatus").GetString());
        Assert.Equal("while suspended", done.GetProperty("output").GetString());
    }

    [Fact]
    public async Task ListInstances_CreatedTimeRange_ReturnsOnlyInstancesCreatedInIt()
    {
        // Arrange: three instances created at least 100 ms apart, with a bound between each pair.
        using var client = factory.CreateAdminClient();
        var prefix = Azurite.UniqueName("created");
        var bounds = new List<DateTimeOffset>();
        for (var i = 0; i < 3; i++)
        {
            await StartWaiterAsync($"{prefix}-{i}");
            await Task.Delay(100);
            bounds.Add(DateTimeOffset.UtcNow);
            await Task.Delay(100);
        }

        // Act
        var from = await ListIdsAsync(client, $"{Base}?instanceIdPrefix={prefix}&createdTimeFrom={Iso(bounds[0])}");
        var to = await ListIdsAsync(client, $"{Base}?instanceIdPrefix={prefix}&createdTimeTo={Iso(bounds[1])}");
        var between = await ListIdsAsync(client, $"{Base}?instanceIdPrefix={prefix}&createdTimeFrom={Iso(bounds[0])}&createdTimeTo={Iso(bounds[1])}");

        // Assert
        Assert.Equal(new[] { $"{prefix}-1", $"{prefix}-2" }, from);
        Assert.Equal(new[] { $"{prefix}-0", $"{prefix}-1" }, to);
        Assert.Equal(new[] { $"{prefix}-1" }, between);
    }

    [Fact]
    public async Task GetAndList_ShowInputFalse_LeaveTheInputOut()
    {
        // Arrange
        using var client = factory.CreateAdminClient();
        var id = await StartWaiterAsync(Azurite.UniqueName("input"));

        // Act
        var hidden = await GetJsonAsync(client, $"{Base}/{id}?showInput=false");
        var shown = await GetJsonAsync(client, $"{Base}/{id}");
        var listedHidden = (await GetJsonAsync(client, $"{Base}?instanceIdPrefix={id}&showInput=false")).EnumerateArray().Single();
        var listedShown = (await GetJsonAsync(client, $"{Base}?instanceIdPrefix={id}")).EnumerateArray().Single();

        // Assert: Durable Functions sends input null when asked not to show it, and shows it by default.
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("input").ValueKind);
        Assert.Equal(JsonValueKind.Null, listedHidden.GetProperty("input").ValueKind);
        Assert.Equal("waiting", shown.GetProperty("input").GetString());
        Assert.Equal("waiting", listedShown.GetProperty("input").GetString());
    }

    [Fact]
    public async Task GetInstance_RunningThenDone_Returns202WithLocationThen200()
    {
        // Arrange
        using var client = factory.CreateAdminClient();
        var id = await StartWaiterAsync();
        await Eventually.MatchAsync(() => GetJsonAsync(client, $"{Base}/{id}"), b => b.GetProperty("runtimeStatus").GetString() == "Running");

        // Act
        using var running = await client.GetAsync($"{Base}/{id}");
        using var raised = await client.PostAsJsonAsync($"{Base}/{id}/raiseEvent/go", "done");
        await Eventually.MatchAsync(() => GetJsonAsync(client, $"{Base}/{id}"), b => b.GetProperty("runtimeStatus").GetString() == "Completed");
        using var done = await client.GetAsync($"{Base}/{id}");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.Equal($"{Base}/{id}", running.Headers.Location?.AbsolutePath);
        Assert.Equal(TimeSpan.FromSeconds(5), running.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Null(done.Headers.Location);
    }

    [Theory]
    [InlineData("raiseEvent/go")]
    [InlineData("terminate")]
    [InlineData("suspend")]
    [InlineData("resume")]
    public async Task Operation_UnknownInstance_Returns404(string operation)
    {
        using var client = factory.CreateAdminClient();

        using var response = await client.PostAsJsonAsync($"{Base}/{Azurite.UniqueName("nobody")}/{operation}", 1);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TerminateAndPurge_FinishedOrUnknownInstance_Return410And404()
    {
        // Arrange
        using var client = factory.CreateAdminClient();
        var id = await StartWaiterAsync();
        using var raised = await client.PostAsJsonAsync($"{Base}/{id}/raiseEvent/go", 1);
        await Eventually.MatchAsync(() => GetJsonAsync(client, $"{Base}/{id}"), b => b.GetProperty("runtimeStatus").GetString() == "Completed");

        // Act
        using var terminated = await client.PostAsync($"{Base}/{id}/terminate", null);
        using var unknown = await client.DeleteAsync($"{Base}/{Azurite.UniqueName("nobody")}");

        // Assert
        Assert.Equal(HttpStatusCode.Gone, terminated.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task ListInstances_UnknownRuntimeStatus_Returns400NamingIt()
    {
        using var client = factory.CreateAdminClient();

        using var response = await client.GetAsync($"{Base}?runtimeStatus=Running,Sleeping");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'Sleeping'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("1.5")]
    public async Task ListInstances_TopNotAPositiveWholeNumber_Returns400NamingIt(string top)
    {
        using var client = factory.CreateAdminClient();

        using var response = await client.GetAsync($"{Base}?top={top}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("top must be a whole number", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeByFilter_CreatedRangeAndStatuses_DeletesExactlyTheMatchingInstances()
    {
        // Arrange: finished instances before, inside and after a created-time window, and one still running inside it
        using var client = factory.CreateAdminClient();
        var prefix = Azurite.UniqueName("pf");
        var before = await FinishWaiterAsync(client, $"{prefix}-before", terminate: false);
        var from = DateTimeOffset.UtcNow;
        await FinishWaiterAsync(client, $"{prefix}-completed", terminate: false);
        await FinishWaiterAsync(client, $"{prefix}-terminated", terminate: true);
        var running = await StartWaiterAsync($"{prefix}-running");
        await Task.Delay(20);
        var to = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        var after = await FinishWaiterAsync(client, $"{prefix}-after", terminate: false);

        // Act
        using var purged = await client.DeleteAsync($"{Base}?createdTimeFrom={Iso(from)}&createdTimeTo={Iso(to)}&runtimeStatus=Completed,Terminated,Running");
        using var again = await client.DeleteAsync($"{Base}?createdTimeFrom={Iso(from)}&createdTimeTo={Iso(to)}&runtimeStatus=Completed,Terminated,Running");

        // Assert: the running one is kept although its status was named, as a purge by id keeps it
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(2, (await purged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal([after, before, running], await ListIdsAsync(client, $"{Base}?instanceIdPrefix={prefix}"));
    }

    [Fact]
    public async Task PurgeByFilter_OnlyOneStatusNamed_KeepsTheOtherFinishedInstances()
    {
        // Arrange
        using var client = factory.CreateAdminClient();
        var prefix = Azurite.UniqueName("ps");
        await Task.Delay(20);
        var from = DateTimeOffset.UtcNow;
        var completed = await FinishWaiterAsync(client, $"{prefix}-completed", terminate: false);
        await FinishWaiterAsync(client, $"{prefix}-terminated", terminate: true);

        // Act: no createdTimeTo, which Durable Functions takes as now
        using var purged = await client.DeleteAsync($"{Base}?createdTimeFrom={Iso(from)}&runtimeStatus=Terminated");

        // Assert
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(1, (await purged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32());
        Assert.Equal([completed], await ListIdsAsync(client, $"{Base}?instanceIdPrefix={prefix}"));
    }

    [Theory]
    [InlineData("runtimeStatus=Completed")]
    [InlineData("createdTimeFrom=yesterday")]
    [InlineData("createdTimeFrom=2026-01-01T00:00:00Z&runtimeStatus=Completed,Sleeping")]
    public async Task PurgeByFilter_MissingOrBadParameter_Returns400(string query)
    {
        using var client = factory.CreateAdminClient();

        using var response = await client.DeleteAsync($"{Base}?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PurgeByFilter_AsDurableFunctionsClientsSendIt_Returns200ThenNotFound()
    {
        // Arrange: the URL a Durable Functions client builds for purgeInstanceHistoryBy: its purgeHistoryDeleteUri
        // (taskHub, connection, code) with createdTimeFrom and createdTimeTo as ISO 8601 in UTC and runtimeStatus
        // comma-separated, unescaped
        using var client = factory.CreateClient();
        using var admin = factory.CreateAdminClient();
        await Task.Delay(20);
        var from = DateTimeOffset.UtcNow;
        var id = await FinishWaiterAsync(admin, Azurite.UniqueName("pc"), terminate: false);
        var to = DateTimeOffset.UtcNow;
        var url = $"{Base}?taskHub=TestHub&connection=Storage&code={TransfersApiFactory.AdminKey}"
            + $"&createdTimeFrom={from.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}&createdTimeTo={to.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}&runtimeStatus=Completed,Failed";

        // Act
        using var purged = await client.DeleteAsync(url);
        using var none = await client.DeleteAsync(url);

        // Assert
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(1, (await purged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        using var gone = await admin.GetAsync($"{Base}/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    /// <summary>
    /// Starts a waiter and ends it, by its event (Completed) or by terminate (Terminated), once it runs: Durable Task
    /// can drop an event raised before its start message was processed (docs/durable-engine.md).
    /// </summary>
    private async Task<string> FinishWaiterAsync(HttpClient client, string id, bool terminate)
    {
        await StartWaiterAsync(id);
        await Eventually.MatchAsync(() => GetJsonAsync(client, $"{Base}/{id}"), b => b.GetProperty("runtimeStatus").GetString() == "Running");
        using var ended = terminate
            ? await client.PostAsync($"{Base}/{id}/terminate?reason=test", null)
            : await client.PostAsJsonAsync($"{Base}/{id}/raiseEvent/go", 1);
        var status = terminate ? "Terminated" : "Completed";
        await Eventually.MatchAsync(() => GetJsonAsync(client, $"{Base}/{id}"), b => b.GetProperty("runtimeStatus").GetString() == status);
        return id;
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

    private static async Task<List<string>> ListIdsAsync(HttpClient client, string url) =>
        [.. (await GetJsonAsync(client, url)).EnumerateArray().Select(e => e.GetProperty("instanceId").GetString()!).Order(StringComparer.Ordinal)];

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Waits for "go" and returns its payload.</summary>
    public sealed class GoWaiter : Orchestrator<string, JsonElement>
    {
        public override Task<JsonElement> RunAsync(IOrchestrationContext context, string input) => context.WaitForExternalEvent<JsonElement>("go");
    }

    /// <summary>The local host in memory with its own task hub and the test orchestration.</summary>
    public class Factory : WebApplicationFactory<Program>
    {
        public HttpClient CreateAdminClient()
        {
            var client = CreateClient();
            client.DefaultRequestHeaders.Add("X-API-KEY", TransfersApiFactory.AdminKey);
            return client;
        }

        /// <summary>Gets the durable backend the host runs.</summary>
        protected virtual string Backend => "Embedded";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);

            // A host setting: the host reads it while registering its services, before the app configuration below applies.
            builder.UseSetting("Transfers:Durable:Backend", Backend);
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = Azurite.ConnectionString,
                ["Transfers:AdminApiKey"] = TransfersApiFactory.AdminKey,
                // Other tests share these record tables under other task hubs: a pass here would schedule their records in this hub.
                ["Transfers:Reconcile:Enabled"] = "false",
                ["Transfers:Durable:HubName"] = Azurite.UniqueName("api"),
                ["Transfers:Durable:AzureStorage:MaxQueuePollingInterval"] = "00:00:00.200",
            }));
            builder.ConfigureServices(services => services.AddDurableTasks(r => r.AddOrchestrator<GoWaiter>()));
        }
    }

    /// <summary>The same host on Durable Task's engine on Azure Storage.</summary>
    public sealed class AzureStorageFactory : Factory
    {
        protected override string Backend => "AzureStorage";
    }
}

/// <summary>DurableManagementApiTests on the embedded engine.</summary>
public sealed class EmbeddedDurableManagementApiTests(DurableManagementApiTests.Factory factory) : DurableManagementApiTests(factory), IClassFixture<DurableManagementApiTests.Factory>;

/// <summary>DurableManagementApiTests on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageDurableManagementApiTests(DurableManagementApiTests.AzureStorageFactory factory) : DurableManagementApiTests(factory), IClassFixture<DurableManagementApiTests.AzureStorageFactory>;
