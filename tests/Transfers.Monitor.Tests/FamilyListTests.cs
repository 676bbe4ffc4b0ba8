using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Playwright;
using Transfers.Testing;

namespace Transfers.Monitor.Tests;

/// <summary>The Exports and Ownership lists, and the page at a phone's width.</summary>
[Collection(MonitorCollection.Name)]
public sealed class FamilyListTests(MonitorFixture fixture)
{
    [Fact]
    public async Task ExportsList_TransferOverTheApi_ShowsItSucceedWithItsRowsAndModels()
    {
        // Arrange: a tenant with a 30-row source table, a model, a blob destination and a transfer of it.
        var key = await fixture.NewTenantKeyAsync();
        var table = Azurite.Tables.GetTableClient(Azurite.UniqueName("orders"));
        await table.CreateIfNotExistsAsync();
        for (var i = 0; i < 30; i++)
        {
            await table.AddEntityAsync(new TableEntity("p", $"{i:D3}") { ["id"] = $"{i}", ["last_updated_at"] = DateTimeOffset.UtcNow.AddMinutes(-5) });
        }

        using var client = fixture.Host.CreateClient(key);
        using var model = await client.PostAsJsonAsync("/models", new { model_name = "orders", source_table = table.Name, primary_key = new[] { "id" }, last_updated_at_column = "last_updated_at" });
        model.EnsureSuccessStatusCode();
        using var destination = await client.PostAsJsonAsync("/destinations", new { name = "lake", vendor = "azure_blob_storage", bucket_name = Azurite.UniqueName("lake"), format = "jsonl" });
        destination.EnsureSuccessStatusCode();
        var destinationId = (await destination.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("id").GetString();
        using var transfer = await client.PostAsJsonAsync($"/destinations/{destinationId}/transfer", new { models = new[] { "orders" } });
        transfer.EnsureSuccessStatusCode();
        var transferId = (await transfer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("transfer_id").GetString();
        var page = await fixture.NewPageAsync();
        await MonitorFixture.SignInAsync(page, key);

        // Act
        await page.GetByRole(AriaRole.Link, new() { Name = "Exports" }).ClickAsync();

        // Assert
        var row = page.Locator($"#transfers tr[data-id='{transferId}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "SUCCESS", new() { Timeout = 90_000 });
        await Assertions.Expect(row.Locator(".progress-text").First).ToHaveTextAsync("1 of 1 models (100 %)");
        await Assertions.Expect(row.Locator(".progress-text").Nth(1)).ToContainTextAsync("30 rows");
        await MonitorFixture.ScreenshotAsync(page, "exports-list");
    }

    [Fact]
    public async Task OwnershipList_InvitationCanceledFromTheTransfersPage_IsCanceled()
    {
        // Arrange: Ada invites Bob to take an integration.
        var (_, adaToken) = await NewUserAsync("ada");
        var (bob, _) = await NewUserAsync("bob");
        using var client = fixture.Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adaToken);
        using var integration = await client.PostAsJsonAsync("/v1/integrations", new { name = "Shop sync" });
        integration.EnsureSuccessStatusCode();
        var integrationId = (await integration.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString();
        using var invite = await client.PostAsJsonAsync("/v1/transfers/invite", new { email = bob, _integrationIds = new[] { integrationId } });
        Assert.Equal(HttpStatusCode.Created, invite.StatusCode);
        var transferId = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString();
        var page = await fixture.NewPageAsync();
        await MonitorFixture.SignInAsync(page, adaToken, bearer: true);
        var row = page.Locator($"#transfers tr[data-id='{transferId}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "unapproved");
        await Assertions.Expect(row.GetByRole(AriaRole.Link)).ToHaveTextAsync(bob);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Shares" })).ToBeHiddenAsync();
        await MonitorFixture.ScreenshotAsync(page, "ownership-list");

        // Act
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await page.Locator("#confirm").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // Assert
        await Assertions.Expect(page.Locator("#detail-title .badge")).ToHaveAttributeAsync("data-status", "canceled");
        var record = await client.GetFromJsonAsync<JsonElement>($"/v1/transfers/{transferId}");
        Assert.Equal("canceled", record.GetProperty("status").GetString());
    }

    [Fact]
    public async Task SharesList_PhoneWidth_ShowsEachTransferAsALabelledCardWithoutSidewaysScrolling()
    {
        // Arrange
        var key = await fixture.NewTenantKeyAsync();
        var (_, transferId) = await fixture.StartShareTransferAsync(key, "Phone share", files: 2);
        var page = await fixture.NewPageAsync(width: 390, height: 844);

        // Act
        await MonitorFixture.SignInAsync(page, key);

        // Assert: the cells carry their column names, and nothing is wider than the screen.
        var row = page.Locator($"#transfers tr[data-id='{transferId}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#transfers thead")).Not.ToBeInViewportAsync();
        Assert.Equal("Status", await row.Locator("td").Nth(1).GetAttributeAsync("data-label"));
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.Equal(0, overflow);
        Assert.Matches(new Regex("^(sending|synced)$"), await row.GetAttributeAsync("data-status"));
    }

    [Fact]
    public async Task Keyboard_SignInOpenAndPauseATransfer_NeedsNoPointer()
    {
        // Arrange
        var key = await fixture.NewTenantKeyAsync();
        var (shareId, transferId) = await fixture.StartShareTransferAsync(key, "Keyboard share", files: 1);
        await Eventually.MatchAsync(() => fixture.ShareTransferStatusAsync(key, shareId, transferId), s => s == "synced", TimeSpan.FromSeconds(90));
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/monitor");

        // Act: the key field has the focus on arrival; Enter signs in.
        await page.Keyboard.TypeAsync(key);
        await page.Keyboard.PressAsync("Enter");
        var link = page.Locator($"#transfers tr[data-id='{transferId}'] a");
        await Assertions.Expect(link).ToBeVisibleAsync();
        for (var i = 0; i < 20 && !await link.EvaluateAsync<bool>("a => a === document.activeElement"); i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await page.Keyboard.PressAsync("Enter");
        var pause = page.GetByRole(AriaRole.Button, new() { Name = "Pause" });
        await Assertions.Expect(pause).ToBeVisibleAsync();
        await pause.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");

        // Assert: Tab reached the transfer's link, and the dialog's second button (the action) paused it.
        await Assertions.Expect(page.Locator("#detail-title .badge")).ToHaveAttributeAsync("data-status", "paused");
        Assert.Equal("paused", await fixture.ShareTransferStatusAsync(key, shareId, transferId));
    }

    private async Task<(string Email, string Token)> NewUserAsync(string name)
    {
        using var admin = fixture.Host.CreateClient(MonitorFixture.AdminKey);
        var email = $"{Azurite.UniqueName(name)}@example.com";
        using var response = await admin.PostAsJsonAsync("/admin/users", new { email, name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (email, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
    }
}
