using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core;
using Transfers.Core.Ownership;
using Transfers.Testing;

namespace Transfers.Api.Tests.Ownership;

[Collection(CrashTestCollection.Name)]
public sealed class OwnershipCrashTests
{
    private const int ResourceCount = 2000;

    [Fact]
    public async Task Accept_HostKilledWhileResourcesMove_EveryResourceMovesExactlyOnceAndTheTransferEndsDone()
    {
        // Small, sequential chunks so that the kill lands in the middle of the moves; short leases so the second
        // host takes the instance over quickly.
        var settings = new Dictionary<string, string>
        {
            ["Transfers__Durable__HubName"] = Azurite.UniqueName("owncrash"),
            ["Transfers__Durable__LeaseDuration"] = "00:00:05",
            ["Transfers__Ownership__MoveChunkSize"] = "50",
            ["Transfers__Ownership__MaxParallelMoves"] = "1",
            ["Transfers__Ownership__MoveConcurrency"] = "1",
        };
        using var services = CreateServices();
        var resources = services.GetRequiredService<ResourceStore>();
        TestUser owner, invitee;
        string transferId;
        int movedAtKill;
        await using (var host = await HostProcess.StartAsync(settings))
        {
            owner = await CreateUserAsync(host);
            invitee = await CreateUserAsync(host);
            var integration = await SeedAsync(resources, owner.Id);
            using var ownerClient = Bearer(host, owner.Token);
            using var inviteeClient = Bearer(host, invitee.Token);
            transferId = (await ownerClient.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { integration } })).GetProperty("_id").GetString()!;
            var (accepted, _) = await inviteeClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{transferId}/accept");
            Assert.Equal(HttpStatusCode.NoContent, accepted);

            movedAtKill = await Eventually.MatchAsync(
                async () => (await resources.ListAllAsync(invitee.Id)).Count,
                n => n >= 100,
                TimeSpan.FromSeconds(60));
            await host.KillAsync();
        }

        await using var restarted = await HostProcess.StartAsync(settings);
        using var client = Bearer(restarted, invitee.Token);
        var done = await client.WaitForStatusAsync(transferId, "done", TimeSpan.FromSeconds(120));

        Assert.InRange(movedAtKill, 100, ResourceCount - 1);
        Assert.False(done.TryGetProperty("transferErrors", out _));
        Assert.Empty(await resources.ListAllAsync(owner.Id));
        Assert.Equal(ResourceCount, (await resources.ListAllAsync(invitee.Id)).Count);
        var records = await Task.WhenAll(new[] { "integrations", "flows", "exports", "imports" }
            .Select(async c => (await resources.ListAsync(invitee.Id, c, null, ResourceCount)).Items));
        var all = records.SelectMany(r => r).ToList();
        Assert.Equal(ResourceCount, all.Count);
        foreach (var resource in all)
        {
            var record = await resources.GetAsync(resource.Collection, resource.Id);
            Assert.Equal(invitee.Id, record!.OwnerId);
            Assert.Equal(1, record.OwnerVersion);
            Assert.Equal(transferId, record.MovedBy);
        }
    }

    private static ServiceProvider CreateServices() =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Azurite.ConnectionString }).Build())
            .AddTransfersCore()
            .BuildServiceProvider();

    private static async Task<string> SeedAsync(ResourceStore resources, string ownerId)
    {
        var integration = ObjectIds.NewId();
        var seeded = new List<OwnedResource> { new("integrations", integration, ownerId, "Crash", $"{{\"_id\":\"{integration}\",\"name\":\"Crash\"}}") };
        var collections = new[] { "flows", "exports", "imports" };
        for (var i = 1; i < ResourceCount; i++)
        {
            var id = ObjectIds.NewId();
            var collection = collections[i % collections.Length];
            seeded.Add(new OwnedResource(collection, id, ownerId, $"R{i}", $"{{\"_id\":\"{id}\",\"name\":\"R{i}\",\"_integrationId\":\"{integration}\"}}"));
        }

        await resources.AddAsync(seeded);
        return integration;
    }

    private static async Task<TestUser> CreateUserAsync(HostProcess host)
    {
        using var admin = host.CreateClient("test-admin-key");
        var email = $"{Azurite.UniqueName("crash")}@example.com";
        using var response = await admin.PostAsJsonAsync("/admin/users", new { email });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TestUser(body.GetProperty("_id").GetString()!, email, body.GetProperty("token").GetString()!);
    }

    private static HttpClient Bearer(HostProcess host, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
