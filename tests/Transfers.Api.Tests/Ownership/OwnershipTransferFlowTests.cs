using Azure.Data.Tables;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Core.Ownership;
using Transfers.Testing;

namespace Transfers.Api.Tests.Ownership;

/// <summary>Invitations that run their orchestration on the embedded engine, from invite to the end.</summary>
public sealed class OwnershipTransferFlowTests(OwnershipApiFactory factory) : IClassFixture<OwnershipApiFactory>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Accept_InvitationWithoutItsOrchestration_SchedulesItAndMovesEveryResource(bool purged)
    {
        // Arrange: what a host stopped between the invitation's record and its orchestration leaves (no instance), or
        // an instance that ended without the record (terminated by an operator)
        var owner = await factory.CreateUserAsync();
        var invitee = await factory.CreateUserAsync();
        using var ownerClient = factory.CreateBearerClient(owner.Token);
        using var inviteeClient = factory.CreateBearerClient(invitee.Token);
        var account = await ownerClient.CreateAccountAsync();
        var id = (await ownerClient.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { account.Integration } })).GetProperty("_id").GetString()!;
        var durable = factory.Services.GetRequiredService<IDurableClient>();
        var instanceId = OwnershipTransferOrchestration.InstanceIdFor(id);
        await durable.TerminateInstanceAsync(instanceId);
        await durable.WaitForInstanceCompletionAsync(instanceId);
        if (purged)
        {
            await durable.PurgeInstanceAsync(instanceId);
        }

        // Act
        var (accepted, _) = await inviteeClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/accept");
        var done = await inviteeClient.WaitForStatusAsync(id, "done");

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, accepted);
        Assert.True(done.GetProperty("accepted").GetBoolean());
        foreach (var (collection, resourceId) in account.IntegrationClosure)
        {
            var (inviteeSees, _) = await inviteeClient.SendAsync(HttpMethod.Get, $"/v1/{collection}/{resourceId}");
            Assert.True(inviteeSees == HttpStatusCode.OK, $"{collection}/{resourceId}");
        }
    }

    [Fact]
    public async Task Accept_AResourceChangedOwnerSinceTheInvite_FailsWithTransferErrorsAndMovesTheRest()
    {
        var owner = await factory.CreateUserAsync();
        var invitee = await factory.CreateUserAsync();
        using var ownerClient = factory.CreateBearerClient(owner.Token);
        using var inviteeClient = factory.CreateBearerClient(invitee.Token);
        var account = await ownerClient.CreateAccountAsync();
        var id = (await ownerClient.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { account.Integration } })).GetProperty("_id").GetString()!;
        var elsewhere = ObjectIds.NewId();
        var resources = factory.Services.GetRequiredService<ResourceStore>();
        await resources.MoveAsync("imports", [account.Imports[0]], owner.Id, elsewhere, ObjectIds.NewId(), concurrency: 1);

        await inviteeClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/accept");
        var failed = await ownerClient.WaitForStatusAsync(id, "failed");

        var error = Assert.Single(failed.GetProperty("transferErrors").EnumerateArray());
        Assert.Equal("owner_changed", error.GetProperty("code").GetString());
        Assert.Equal(account.Imports[0], error.GetProperty("_id").GetString());
        Assert.False(failed.TryGetProperty("transferredAt", out _));
        Assert.Equal(elsewhere, (await resources.GetAsync("imports", account.Imports[0]))!.OwnerId);
        Assert.Equal(invitee.Id, (await resources.GetAsync("imports", account.Imports[1]))!.OwnerId);
        Assert.Equal(invitee.Id, (await resources.GetAsync("flows", account.Flows[0]))!.OwnerId);
        var (deleteFailed, _) = await ownerClient.SendAsync(HttpMethod.Delete, $"/v1/transfers/{id}");
        Assert.Equal(HttpStatusCode.BadRequest, deleteFailed);
    }

    [Fact]
    public async Task Invite_NotAnsweredBeforeItsTtl_IsCanceledAndFreesTheIntegration()
    {
        using var shortLived = factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Transfers:Ownership:InviteTtl"] = "00:00:02",
            ["Transfers:Durable:HubName"] = Azurite.UniqueName("ownttl"),
        })));
        var owner = await factory.CreateUserAsync();
        var invitee = await factory.CreateUserAsync();
        using var ownerClient = shortLived.CreateClient();
        ownerClient.DefaultRequestHeaders.Authorization = new("Bearer", owner.Token);
        using var inviteeClient = shortLived.CreateClient();
        inviteeClient.DefaultRequestHeaders.Authorization = new("Bearer", invitee.Token);
        var integration = await ownerClient.CreateResourceAsync("integrations", new { name = "I" });
        var id = (await ownerClient.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { integration } })).GetProperty("_id").GetString()!;

        var canceled = await ownerClient.WaitForStatusAsync(id, "canceled", TimeSpan.FromSeconds(30));
        var (acceptLate, body) = await inviteeClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/accept");
        var again = await Eventually.MatchAsync(
            async () => (await ownerClient.SendAsync(HttpMethod.Post, "/v1/transfers/invite", new { email = invitee.Email, _integrationIds = new[] { integration } })).Status,
            s => s == HttpStatusCode.Created,
            TimeSpan.FromSeconds(30));

        Assert.False(canceled.GetProperty("dismissed").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, acceptLate);
        body.AssertError("invalid_state");
        Assert.Equal(HttpStatusCode.Created, again);
    }

    [Fact]
    public async Task Accept_AccountTransfer_MovesEverythingTheOwnerHas()
    {
        var owner = await factory.CreateUserAsync();
        var invitee = await factory.CreateUserAsync();
        using var ownerClient = factory.CreateBearerClient(owner.Token);
        using var inviteeClient = factory.CreateBearerClient(invitee.Token);
        await ownerClient.CreateAccountAsync();
        var id = (await ownerClient.InviteAsync(new { email = invitee.Email, account = true })).GetProperty("_id").GetString()!;

        await inviteeClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/accept");
        var done = await inviteeClient.WaitForStatusAsync(id, "done");

        Assert.True(done.GetProperty("account").GetBoolean());
        foreach (var collection in new[] { "integrations", "flows", "exports", "imports", "connections", "scripts" })
        {
            var (ownerList, _) = await ownerClient.SendAsync(HttpMethod.Get, $"/v1/{collection}");
            var (inviteeList, list) = await inviteeClient.SendAsync(HttpMethod.Get, $"/v1/{collection}");
            Assert.Equal(HttpStatusCode.NoContent, ownerList);
            Assert.Equal(HttpStatusCode.OK, inviteeList);
            Assert.Equal(done.GetProperty("toTransfer").GetProperty(collection).Ids().Order(StringComparer.Ordinal), list.Ids());
        }
    }
}

/// <summary>An invitation accepted, from invite to done: one body, run on both durable backends.</summary>
public abstract class OwnershipInviteAcceptTests(OwnershipApiFactory factory)
{
    [Fact]
    public async Task Accept_IntegrationAndNone_MovesEveryResourceAndEndsDone()
    {
        var owner = await factory.CreateUserAsync();
        var invitee = await factory.CreateUserAsync();
        using var ownerClient = factory.CreateBearerClient(owner.Token);
        using var inviteeClient = factory.CreateBearerClient(invitee.Token);
        var account = await ownerClient.CreateAccountAsync();
        var transfer = await ownerClient.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { account.Integration, "none" } });
        var id = transfer.GetProperty("_id").GetString();

        var (accepted, _) = await inviteeClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/accept");
        var done = await inviteeClient.WaitForStatusAsync(id!, "done");

        Assert.Equal(HttpStatusCode.NoContent, accepted);
        Assert.True(done.GetProperty("accepted").GetBoolean());
        Assert.True(DateTimeOffset.TryParse(done.GetProperty("transferredAt").GetString(), out _));
        Assert.False(done.TryGetProperty("transferErrors", out _));
        var moved = account.IntegrationClosure.Append(("flows", account.StandaloneFlow)).Append(("exports", account.StandaloneExport)).ToList();
        foreach (var (collection, resourceId) in moved)
        {
            var (inviteeSees, _) = await inviteeClient.SendAsync(HttpMethod.Get, $"/v1/{collection}/{resourceId}");
            var (ownerSees, _) = await ownerClient.SendAsync(HttpMethod.Get, $"/v1/{collection}/{resourceId}");
            Assert.True(inviteeSees == HttpStatusCode.OK, $"{collection}/{resourceId}");
            Assert.Equal(HttpStatusCode.NotFound, ownerSees);
        }

        var (ownerKeeps, _) = await ownerClient.SendAsync(HttpMethod.Get, $"/v1/flows/{account.OtherFlow}");
        var (acceptAgain, _) = await inviteeClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/accept");
        var (deleted, _) = await ownerClient.SendAsync(HttpMethod.Delete, $"/v1/transfers/{id}");
        Assert.Equal(HttpStatusCode.OK, ownerKeeps);
        Assert.Equal(HttpStatusCode.BadRequest, acceptAgain);
        Assert.Equal(HttpStatusCode.NoContent, deleted);
    }
}

/// <summary>OwnershipInviteAcceptTests on the embedded engine.</summary>
public sealed class EmbeddedOwnershipInviteAcceptTests(OwnershipApiFactory factory) : OwnershipInviteAcceptTests(factory), IClassFixture<OwnershipApiFactory>;

/// <summary>OwnershipInviteAcceptTests on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageOwnershipInviteAcceptTests(AzureStorageOwnershipApiFactory factory) : OwnershipInviteAcceptTests(factory), IClassFixture<AzureStorageOwnershipApiFactory>
{
    [Fact]
    public async Task Accept_OnDurableTask_TheHubsHistoryTableHoldsTheOrchestrationsHistory()
    {
        // Arrange: an invitation accepted and moved, as in the flow above.
        await Accept_IntegrationAndNone_MovesEveryResourceAndEndsDone();
        var durable = factory.Services.GetRequiredService<IDurableClient>();

        // Act
        var transfers = (await durable.QueryInstancesAsync(new OrchestrationQuery { Name = nameof(OwnershipTransferOrchestration), PageSize = 100 })).Instances;

        // Assert: Durable Functions' own layout, {hub}History, holds each run from its start to its end.
        Assert.NotEmpty(transfers);
        foreach (var transfer in transfers.Where(t => t.RuntimeStatus == OrchestrationRuntimeStatus.Completed))
        {
            var events = new List<string?>();
            await foreach (var row in Azurite.Tables.GetTableClient(factory.Hub + "History").QueryAsync<TableEntity>(e => e.PartitionKey == transfer.InstanceId))
            {
                events.Add(row.GetString("EventType"));
            }

            Assert.Contains("ExecutionStarted", events);
            Assert.Contains("TaskCompleted", events);
            Assert.Contains("ExecutionCompleted", events);
        }
    }
}
