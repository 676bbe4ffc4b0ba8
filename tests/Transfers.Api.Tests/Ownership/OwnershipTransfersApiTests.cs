using System.Net;
using System.Text.Json;
using Transfers.Core.Ownership;

namespace Transfers.Api.Tests.Ownership;

public sealed class OwnershipTransfersApiTests(OwnershipApiFactory factory) : IClassFixture<OwnershipApiFactory>
{
    [Fact]
    public async Task Preview_Integration_ReturnsItsClosureOnly()
    {
        var (owner, invitee, account) = await ArrangeAsync();
        using var client = factory.CreateBearerClient(owner.Token);

        var (status, preview) = await client.SendAsync(HttpMethod.Get, PreviewUrl(invitee.Email, account.Integration));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["integrations", "flows", "exports", "imports", "connections", "scripts"], preview.EnumerateObject().Select(p => p.Name));
        Assert.Equal([account.Integration], preview.GetProperty("integrations").Ids());
        Assert.Equal(account.Flows.Order(StringComparer.Ordinal), preview.GetProperty("flows").Ids());
        Assert.Equal(account.Exports.Order(StringComparer.Ordinal), preview.GetProperty("exports").Ids());
        Assert.Equal(account.Imports.Order(StringComparer.Ordinal), preview.GetProperty("imports").Ids());
        Assert.Equal(account.Connections.Order(StringComparer.Ordinal), preview.GetProperty("connections").Ids());
        Assert.Equal(account.Integration, preview.GetProperty("flows")[0].GetProperty("_integrationId").GetString());
    }

    [Fact]
    public async Task Preview_None_ReturnsStandaloneFlowsAndWhatTheyUse()
    {
        var (owner, invitee, account) = await ArrangeAsync();
        using var client = factory.CreateBearerClient(owner.Token);

        var (status, preview) = await client.SendAsync(HttpMethod.Get, PreviewUrl(invitee.Email, "none"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([account.StandaloneFlow], preview.GetProperty("flows").Ids());
        Assert.Equal([account.StandaloneExport], preview.GetProperty("exports").Ids());
        Assert.False(preview.TryGetProperty("integrations", out _));
    }

    [Fact]
    public async Task Preview_NothingToTransfer_Returns204()
    {
        var owner = await factory.CreateUserAsync();
        var invitee = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);

        var (status, _) = await client.SendAsync(HttpMethod.Get, PreviewUrl(invitee.Email, "none"));

        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    [Fact]
    public async Task Preview_BadQuery_Returns400ForEachRule()
    {
        var (owner, invitee, _) = await ArrangeAsync();
        var stranger = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);
        using var strangerClient = factory.CreateBearerClient(stranger.Token);
        var theirs = await strangerClient.CreateResourceAsync("integrations", new { name = "Theirs" });
        var email = Uri.EscapeDataString(invitee.Email);
        (string Url, string Code, string Field)[] cases =
        [
            ($"/v1/transfers/preview?_integrationIds=%5B%22none%22%5D", "missing_required_field", "email"),
            ($"/v1/transfers/preview?email=nope&_integrationIds=%5B%22none%22%5D", "invalid_value", "email"),
            ($"/v1/transfers/preview?email={Uri.EscapeDataString(owner.Email)}&_integrationIds=%5B%22none%22%5D", "invalid_value", "email"),
            ($"/v1/transfers/preview?email={email}", "missing_required_field", "_integrationIds"),
            ($"/v1/transfers/preview?email={email}&_integrationIds=none", "invalid_type", "_integrationIds"),
            ($"/v1/transfers/preview?email={email}&_integrationIds=%5B1%5D", "invalid_type", "_integrationIds"),
            ($"/v1/transfers/preview?email={email}&_integrationIds=%5B%5D", "invalid_value", "_integrationIds"),
            ($"/v1/transfers/preview?email={email}&_integrationIds=%5B%22abc%22%5D", "invalid_ref", "_integrationIds"),
            (PreviewUrl(invitee.Email, theirs), "invalid_ref", "_integrationIds"),
        ];

        foreach (var (url, code, field) in cases)
        {
            var (status, body) = await client.SendAsync(HttpMethod.Get, url);

            Assert.True(status == HttpStatusCode.BadRequest, $"{url}: {status}");
            body.AssertError(code, field);
        }
    }

    [Fact]
    public async Task Invite_IntegrationAndNone_Returns201UnapprovedWithToTransfer()
    {
        var (owner, invitee, account) = await ArrangeAsync();
        using var client = factory.CreateBearerClient(owner.Token);

        var transfer = await client.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { account.Integration, "none" } });

        Assert.True(ObjectIds.IsValid(transfer.GetProperty("_id").GetString()));
        Assert.Equal("unapproved", transfer.GetProperty("status").GetString());
        Assert.Equal(invitee.Id, transfer.GetProperty("_transferToUserId").GetString());
        Assert.False(transfer.GetProperty("accepted").GetBoolean());
        Assert.False(transfer.GetProperty("dismissed").GetBoolean());
        Assert.False(transfer.GetProperty("account").GetBoolean());
        var toTransfer = transfer.GetProperty("toTransfer");
        Assert.Equal(new[] { account.Integration, "none" }.Order(StringComparer.Ordinal), toTransfer.GetProperty("integrations").Ids().Order(StringComparer.Ordinal));
        Assert.Equal(account.Flows.Append(account.StandaloneFlow).Order(StringComparer.Ordinal), toTransfer.GetProperty("flows").Ids());
        Assert.Contains(account.StandaloneExport, toTransfer.GetProperty("exports").Ids());
        Assert.DoesNotContain(account.OtherFlow, toTransfer.GetProperty("flows").Ids());
        Assert.Equal("Shop sync", toTransfer.GetProperty("integrations").EnumerateArray().Single(i => i.GetProperty("_id").GetString() == account.Integration).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Invite_BadRequests_Return400ForEachRule()
    {
        var (owner, invitee, account) = await ArrangeAsync();
        var stranger = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);
        using var strangerClient = factory.CreateBearerClient(stranger.Token);
        var theirs = await strangerClient.CreateResourceAsync("integrations", new { name = "Theirs" });
        (object Body, string Code, string? Field)[] cases =
        [
            (new { email = "not an email", account = true }, "invalid_value", "email"),
            (new { account = true }, "missing_required_field", "email"),
            (new { email = invitee.Email }, "invalid_request", "_integrationIds"),
            (new { email = invitee.Email, account = false }, "invalid_request", "_integrationIds"),
            (new { email = invitee.Email, account = true, _integrationIds = new[] { account.Integration } }, "invalid_request", "_integrationIds"),
            (new { email = invitee.Email, _integrationIds = new[] { theirs } }, "invalid_ref", "_integrationIds"),
            (new { email = invitee.Email, _integrationIds = new[] { "42" } }, "invalid_ref", "_integrationIds"),
            (new { email = invitee.Email, _integrationIds = Array.Empty<string>() }, "invalid_value", "_integrationIds"),
            (new { email = invitee.Email, _integrationIds = "none" }, "invalid_type", "_integrationIds"),
            (new { email = invitee.Email, account = "yes" }, "invalid_type", "account"),
            (new { email = owner.Email, account = true }, "invalid_value", "email"),
            (new { email = invitee.Email, account = true, note = "hi" }, "unknown_field", "note"),
            ("{\"email\":", "invalid_json", null),
            ("[]", "invalid_json", null),
        ];

        foreach (var (body, code, field) in cases)
        {
            var (status, json) = await client.SendAsync(HttpMethod.Post, "/v1/transfers/invite", body);

            Assert.True(status == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)}: {status} {json}");
            json.AssertError(code, field);
        }

        var (emptyStatus, _) = await client.SendAsync(HttpMethod.Get, "/v1/transfers");
        Assert.Equal(HttpStatusCode.NoContent, emptyStatus);
    }

    [Fact]
    public async Task Invite_UnknownInvitee_Returns404()
    {
        var (owner, _, account) = await ArrangeAsync();
        using var client = factory.CreateBearerClient(owner.Token);

        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v1/transfers/invite", new { email = "nobody-here@example.com", _integrationIds = new[] { account.Integration } });

        Assert.Equal(HttpStatusCode.NotFound, status);
        body.AssertError("not_found");
    }

    [Fact]
    public async Task Invite_IntegrationAlreadyInAnOpenTransfer_Returns400UntilThatOneIsCanceled()
    {
        var (owner, invitee, account) = await ArrangeAsync();
        var third = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);
        var first = await client.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { account.Integration } });

        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v1/transfers/invite", new { email = third.Email, _integrationIds = new[] { account.Integration, account.OtherIntegration } });
        var (accountStatus, _) = await client.SendAsync(HttpMethod.Post, "/v1/transfers/invite", new { email = third.Email, account = true });
        var (cancel, _) = await client.SendAsync(HttpMethod.Put, $"/v1/transfers/{first.GetProperty("_id").GetString()}/cancel");
        var (after, _) = await client.SendAsync(HttpMethod.Post, "/v1/transfers/invite", new { email = third.Email, _integrationIds = new[] { account.Integration } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        body.AssertError("already_in_transfer", "_integrationIds");
        Assert.Equal(HttpStatusCode.BadRequest, accountStatus);
        Assert.Equal(HttpStatusCode.NoContent, cancel);
        Assert.Equal(HttpStatusCode.Created, after);
    }

    [Fact]
    public async Task List_OutboundAndInbound_EmbedTheOtherUser()
    {
        var owner = await factory.CreateUserAsync("Olivia Owner");
        var invitee = await factory.CreateUserAsync("Ivan Invitee");
        using var ownerClient = factory.CreateBearerClient(owner.Token);
        using var inviteeClient = factory.CreateBearerClient(invitee.Token);
        var account = await ownerClient.CreateAccountAsync();
        var transfer = await ownerClient.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { account.Integration } });

        var (outStatus, outbound) = await ownerClient.SendAsync(HttpMethod.Get, "/v1/transfers");
        var (inStatus, inbound) = await inviteeClient.SendAsync(HttpMethod.Get, "/v1/transfers/invited");
        var (ownerInbound, _) = await ownerClient.SendAsync(HttpMethod.Get, "/v1/transfers/invited");

        Assert.Equal(HttpStatusCode.OK, outStatus);
        var sent = Assert.Single(outbound.EnumerateArray());
        Assert.Equal(transfer.GetProperty("_id").GetString(), sent.GetProperty("_id").GetString());
        Assert.Equal(invitee.Id, sent.GetProperty("transferToUser").GetProperty("_id").GetString());
        Assert.Equal(invitee.Email, sent.GetProperty("transferToUser").GetProperty("email").GetString());
        Assert.Equal("Ivan Invitee", sent.GetProperty("transferToUser").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, inStatus);
        var received = Assert.Single(inbound.EnumerateArray());
        Assert.Equal("Olivia Owner", received.GetProperty("ownerUser").GetProperty("name").GetString());
        Assert.Equal(owner.Id, received.GetProperty("ownerUser").GetProperty("_id").GetString());
        Assert.Equal(HttpStatusCode.NoContent, ownerInbound);
    }

    [Fact]
    public async Task List_IncludeAndExclude_ProjectTheRecords()
    {
        var (owner, invitee, account) = await ArrangeAsync();
        using var client = factory.CreateBearerClient(owner.Token);
        await client.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { account.Integration } });

        var (_, included) = await client.SendAsync(HttpMethod.Get, "/v1/transfers?include=transferToUser.email,toTransfer.integrations.name");
        var (_, excluded) = await client.SendAsync(HttpMethod.Get, "/v1/transfers?exclude=toTransfer,transferToUser.email,_id");
        var (_, ignored) = await client.SendAsync(HttpMethod.Get, "/v1/transfers?include=");

        var summary = Assert.Single(included.EnumerateArray());
        Assert.Equal(["_id", "status", "account", "createdAt", "transferToUser", "toTransfer"], summary.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["email"], summary.GetProperty("transferToUser").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["integrations"], summary.GetProperty("toTransfer").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name"], summary.GetProperty("toTransfer").GetProperty("integrations")[0].EnumerateObject().Select(p => p.Name));
        var stripped = Assert.Single(excluded.EnumerateArray());
        Assert.False(stripped.TryGetProperty("toTransfer", out _));
        Assert.True(stripped.TryGetProperty("_id", out _));
        Assert.True(stripped.TryGetProperty("lastModified", out _));
        Assert.False(stripped.GetProperty("transferToUser").TryGetProperty("email", out _));
        Assert.True(stripped.GetProperty("transferToUser").TryGetProperty("_id", out _));
        Assert.True(Assert.Single(ignored.EnumerateArray()).TryGetProperty("toTransfer", out _));
    }

    [Theory]
    [InlineData("include=status&exclude=toTransfer", "Please provide either include or exclude param in the request query and not both.")]
    [InlineData("include=status;drop", null)]
    [InlineData("exclude=to-transfer", null)]
    [InlineData("include=a..b", null)]
    [InlineData("pageSize=0", null)]
    [InlineData("after=xyz", null)]
    public async Task List_BadQuery_Returns400InvalidQueryParams(string query, string? message)
    {
        var owner = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);

        var (status, body) = await client.SendAsync(HttpMethod.Get, $"/v1/transfers/invited?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        body.AssertError("invalid_query_params");
        if (message is not null)
        {
            Assert.Equal(message, body.GetProperty("errors")[0].GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task List_MoreThanAPage_HasANextLinkUntilTheLastPage()
    {
        var owner = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);
        var integrations = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            integrations.Add(await client.CreateResourceAsync("integrations", new { name = $"I{i}" }));
        }

        var invitee = await factory.CreateUserAsync();
        var sent = new List<string>();
        foreach (var integration in integrations)
        {
            sent.Add((await client.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { integration } })).GetProperty("_id").GetString()!);
        }

        var seen = new List<string>();
        var links = new List<string>();
        var url = "/v1/transfers?pageSize=2&include=status";
        while (url is not null)
        {
            using var response = await client.GetAsync(url);
            seen.AddRange(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Ids());
            var link = response.Headers.TryGetValues("Link", out var values) ? values.Single() : null;
            if (link is not null)
            {
                links.Add(link);
            }

            url = link is null ? null : new Uri(link.Split('>')[0].TrimStart('<')).PathAndQuery;
        }

        Assert.Equal(sent.Order(StringComparer.Ordinal), seen);
        var next = Assert.Single(links);
        Assert.Matches("^<http://[^>]+/v1/transfers\\?[^>]*after=[0-9a-f]{24}[^>]*>; rel=\"next\"$", next);
        Assert.Contains("include=status", next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_WrongPartyOrStranger_Return400Or404()
    {
        var (owner, invitee, account) = await ArrangeAsync();
        var stranger = await factory.CreateUserAsync();
        using var ownerClient = factory.CreateBearerClient(owner.Token);
        using var inviteeClient = factory.CreateBearerClient(invitee.Token);
        using var strangerClient = factory.CreateBearerClient(stranger.Token);
        var id = (await ownerClient.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { account.Integration } })).GetProperty("_id").GetString();

        foreach (var action in new[] { "accept", "dismiss", "cancel" })
        {
            var (status, body) = await strangerClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/{action}");
            Assert.Equal(HttpStatusCode.NotFound, status);
            body.AssertError("not_found");
        }

        var (strangerGet, _) = await strangerClient.SendAsync(HttpMethod.Get, $"/v1/transfers/{id}");
        var (strangerDelete, _) = await strangerClient.SendAsync(HttpMethod.Delete, $"/v1/transfers/{id}");
        var (unknown, _) = await ownerClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{ObjectIds.NewId()}/accept");
        var (malformed, _) = await ownerClient.SendAsync(HttpMethod.Put, "/v1/transfers/not-an-id/cancel");
        var (ownerAccepts, ownerAcceptsBody) = await ownerClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/accept");
        var (ownerDismisses, _) = await ownerClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/dismiss");
        var (inviteeCancels, _) = await inviteeClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/cancel");
        var (deleteOpen, deleteOpenBody) = await ownerClient.SendAsync(HttpMethod.Delete, $"/v1/transfers/{id}");

        Assert.Equal(HttpStatusCode.NotFound, strangerGet);
        Assert.Equal(HttpStatusCode.NotFound, strangerDelete);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal(HttpStatusCode.NotFound, malformed);
        Assert.Equal(HttpStatusCode.BadRequest, ownerAccepts);
        ownerAcceptsBody.AssertError("invalid_operation");
        Assert.Equal(HttpStatusCode.BadRequest, ownerDismisses);
        Assert.Equal(HttpStatusCode.BadRequest, inviteeCancels);
        Assert.Equal(HttpStatusCode.BadRequest, deleteOpen);
        deleteOpenBody.AssertError("invalid_state");
    }

    [Fact]
    public async Task Dismiss_Invitee_CancelsAndThenOnlyTheOwnerCanDelete()
    {
        var (owner, invitee, account) = await ArrangeAsync();
        using var ownerClient = factory.CreateBearerClient(owner.Token);
        using var inviteeClient = factory.CreateBearerClient(invitee.Token);
        var id = (await ownerClient.InviteAsync(new { email = invitee.Email, _integrationIds = new[] { account.Integration } })).GetProperty("_id").GetString();

        var (dismissed, _) = await inviteeClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/dismiss");
        var (_, record) = await inviteeClient.SendAsync(HttpMethod.Get, $"/v1/transfers/{id}");
        var (acceptLate, acceptLateBody) = await inviteeClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/accept");
        var (cancelLate, _) = await ownerClient.SendAsync(HttpMethod.Put, $"/v1/transfers/{id}/cancel");
        var (inviteeDelete, _) = await inviteeClient.SendAsync(HttpMethod.Delete, $"/v1/transfers/{id}");
        var (ownerDelete, _) = await ownerClient.SendAsync(HttpMethod.Delete, $"/v1/transfers/{id}");
        var (gone, _) = await ownerClient.SendAsync(HttpMethod.Get, $"/v1/transfers/{id}");
        var (listed, _) = await inviteeClient.SendAsync(HttpMethod.Get, "/v1/transfers/invited");

        Assert.Equal(HttpStatusCode.NoContent, dismissed);
        Assert.Equal("canceled", record.GetProperty("status").GetString());
        Assert.True(record.GetProperty("dismissed").GetBoolean());
        Assert.False(record.GetProperty("accepted").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, acceptLate);
        acceptLateBody.AssertError("invalid_state");
        Assert.Contains("canceled", acceptLateBody.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, cancelLate);
        Assert.Equal(HttpStatusCode.BadRequest, inviteeDelete);
        Assert.Equal(HttpStatusCode.NoContent, ownerDelete);
        Assert.Equal(HttpStatusCode.NotFound, gone);
        Assert.Equal(HttpStatusCode.NoContent, listed);
    }

    private static string PreviewUrl(string email, params string[] ids) =>
        $"/v1/transfers/preview?email={Uri.EscapeDataString(email)}&_integrationIds={Uri.EscapeDataString(JsonSerializer.Serialize(ids))}";

    private async Task<(TestUser Owner, TestUser Invitee, TestAccount Account)> ArrangeAsync()
    {
        var owner = await factory.CreateUserAsync();
        var invitee = await factory.CreateUserAsync();
        using var client = factory.CreateBearerClient(owner.Token);
        return (owner, invitee, await client.CreateAccountAsync());
    }
}
