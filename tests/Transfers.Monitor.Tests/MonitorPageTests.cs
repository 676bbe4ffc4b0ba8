using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Transfers.Testing;

namespace Transfers.Monitor.Tests;

/// <summary>The <c>/monitor</c> page in headless Chromium against the local host.</summary>
[Collection(MonitorCollection.Name)]
public sealed partial class MonitorPageTests(MonitorFixture fixture)
{
    [Fact]
    public async Task SignIn_WrongKey_SaysTheKeyWasNotAccepted()
    {
        // Arrange
        var page = await fixture.NewPageAsync();

        // Act
        await MonitorFixture.SignInAsync(page, "not-a-key");

        // Assert
        var error = page.Locator("#sign-in-error");
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).ToContainTextAsync("The key was not accepted (401");
        await Assertions.Expect(page.Locator("#tabs")).ToBeHiddenAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('transfers.monitor.credential')"));
    }

    [Fact]
    public async Task SharesList_TransferStartedOverTheApi_ShowsItsProgressReaching100Percent()
    {
        // Arrange
        var (_, transferId) = await fixture.StartShareTransferAsync(MonitorFixture.AdminKey, "Progress share", files: 12);
        var page = await fixture.NewPageAsync();

        // Act
        await MonitorFixture.SignInAsync(page, MonitorFixture.AdminKey);

        // Assert: the row appears and its files bar reaches 100 % as the first send completes.
        await Assertions.Expect(page.Locator("#who-label")).ToHaveTextAsync("Admin key (tenant default)");
        var row = page.Locator($"#transfers tr[data-id='{transferId}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator(".progress").First).ToHaveAttributeAsync("data-percent", "100", new() { Timeout = 90_000 });
        await Assertions.Expect(row.Locator(".progress-text").First).ToHaveTextAsync("12 of 12 files (100 %)");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "synced", new() { Timeout = 90_000 });
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync(new Regex("synced$"));
        Assert.DoesNotContain(MonitorFixture.AdminKey, page.Url, StringComparison.Ordinal);
        await MonitorFixture.ScreenshotAsync(page, "shares-list");
    }

    [Fact]
    public async Task TransferPage_PauseAndResumeConfirmed_ChangeTheTransfersStatus()
    {
        // Arrange
        var (shareId, transferId) = await fixture.StartShareTransferAsync(MonitorFixture.AdminKey, "Pause share", files: 3);
        await Eventually.MatchAsync(() => fixture.ShareTransferStatusAsync(MonitorFixture.AdminKey, shareId, transferId), s => s == "synced", TimeSpan.FromSeconds(90));
        var page = await fixture.NewPageAsync();
        await MonitorFixture.SignInAsync(page, MonitorFixture.AdminKey);
        await page.Locator($"#transfers tr[data-id='{transferId}'] a").ClickAsync();
        await Assertions.Expect(page.Locator("#timeline li").First).ToBeVisibleAsync();
        await MonitorFixture.ScreenshotAsync(page, "share-transfer");

        // Act: pause, confirmed in the dialog.
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await page.Locator("#confirm").GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();

        // Assert
        await Assertions.Expect(page.Locator("#detail-title .badge")).ToHaveAttributeAsync("data-status", "paused");
        Assert.Equal("paused", await fixture.ShareTransferStatusAsync(MonitorFixture.AdminKey, shareId, transferId));

        // Act: resume, confirmed.
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await page.Locator("#confirm").GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();

        // Assert: running again (a check runs at once, then it is synced).
        await Assertions.Expect(page.Locator("#detail-title .badge")).ToHaveAttributeAsync("data-status", new Regex("^(syncing|synced)$"));
        Assert.Contains(await fixture.ShareTransferStatusAsync(MonitorFixture.AdminKey, shareId, transferId), new[] { "syncing", "synced" });
    }

    [Fact]
    public async Task TransferPage_PauseDeclined_LeavesTheTransferRunning()
    {
        // Arrange
        var (shareId, transferId) = await fixture.StartShareTransferAsync(MonitorFixture.AdminKey, "Keep share", files: 2);
        await Eventually.MatchAsync(() => fixture.ShareTransferStatusAsync(MonitorFixture.AdminKey, shareId, transferId), s => s == "synced", TimeSpan.FromSeconds(90));
        var page = await fixture.NewPageAsync();
        await MonitorFixture.SignInAsync(page, MonitorFixture.AdminKey);
        await page.GotoAsync($"/monitor#/shares/{shareId}/{transferId}");

        // Act
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await page.Locator("#confirm").GetByRole(AriaRole.Button, new() { Name = "Keep it" }).ClickAsync();

        // Assert
        await Assertions.Expect(page.Locator("#confirm")).Not.ToBeVisibleAsync();
        Assert.NotEqual("paused", await fixture.ShareTransferStatusAsync(MonitorFixture.AdminKey, shareId, transferId));
    }

    [Fact]
    public async Task SharesList_TenantKey_ShowsOnlyTheTenantsOwnTransfers()
    {
        // Arrange: two tenants, one transfer each.
        var mine = await fixture.NewTenantKeyAsync();
        var theirs = await fixture.NewTenantKeyAsync();
        var (_, myTransfer) = await fixture.StartShareTransferAsync(mine, "Mine", files: 1);
        var (theirShare, theirTransfer) = await fixture.StartShareTransferAsync(theirs, "Theirs", files: 1);
        var page = await fixture.NewPageAsync();

        // Act
        await MonitorFixture.SignInAsync(page, mine);

        // Assert
        await Assertions.Expect(page.Locator("#who-label")).ToHaveTextAsync("Tenant key");
        await Assertions.Expect(page.Locator($"#transfers tr[data-id='{myTransfer}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"#transfers tr[data-id='{theirTransfer}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#transfers tbody tr")).ToHaveCountAsync(1);

        // The other tenant's transfer page, reached by its address, answers not found.
        await page.GotoAsync($"/monitor#/shares/{theirShare}/{theirTransfer}");
        await Assertions.Expect(page.Locator("#detail-error")).ToContainTextAsync("Not found");
        await Assertions.Expect(page.Locator("#instance")).ToBeHiddenAsync();
    }
}
