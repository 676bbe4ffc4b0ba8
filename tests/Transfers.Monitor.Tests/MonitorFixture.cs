using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Transfers.Testing;

namespace Transfers.Monitor.Tests;

/// <summary>
/// The local host as a process on a free port (its own task hub on the test Azurite; the default 5-minute sync interval, so a
/// finished send's progress stays on the page until the next check) and one
/// headless Debian <c>chromium</c> driven by Playwright, shared by the page's tests. Playwright never downloads a
/// browser here: it launches the system's (<c>TRANSFERS_CHROMIUM</c>, else <c>/usr/bin/chromium</c>).
/// </summary>
public sealed class MonitorFixture : IAsyncLifetime
{
    public const string AdminKey = "monitor-test-admin-key";

    private IPlaywright? _playwright;

    public HostProcess Host { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("TRANSFERS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        Host = await HostProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["Transfers__Durable__HubName"] = Azurite.UniqueName("monitor"),
            },
            AdminKey);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // The test machine runs as root in a container, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }

    /// <summary>A new page at a laptop's width (or the given one) with a fresh session storage.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        return page;
    }

    /// <summary>Issues a key for a new tenant granted the host's own account.</summary>
    public async Task<string> NewTenantKeyAsync()
    {
        using var admin = Host.CreateClient(AdminKey);
        return await TenantKeys.IssueWithHostAccountAsync(admin, Azurite.UniqueName("t"));
    }

    /// <summary>
    /// Creates a share over files written to a new source container and a transfer of them started at once; returns the
    /// share and transfer ids.
    /// </summary>
    public async Task<(string ShareId, string TransferId)> StartShareTransferAsync(string apiKey, string name, int files)
    {
        var source = Azurite.Blobs.GetBlobContainerClient(Azurite.UniqueName("src"));
        await source.CreateIfNotExistsAsync();
        for (var i = 0; i < files; i++)
        {
            await source.GetBlobClient($"data/file{i:D3}.txt").UploadAsync(BinaryData.FromString(new string('x', 1000 + i)), overwrite: true);
        }

        using var client = Host.CreateClient(apiKey);
        using var share = await client.PostAsJsonAsync("/v1/shares", new
        {
            name,
            source = new { container = source.Name },
            destination = new { kind = "files", container = Azurite.UniqueName("dst"), prefix = "out" },
        });
        share.EnsureSuccessStatusCode();
        var shareId = (await share.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var transfer = await client.PostAsJsonAsync($"/v1/shares/{shareId}/transfers", new
        {
            transferEntity = new { type = "files", pathNames = new[] { "data/" } },
            options = new { transferNow = true },
        });
        transfer.EnsureSuccessStatusCode();
        return (shareId, (await transfer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
    }

    /// <summary>The transfer's status as the API reports it.</summary>
    public async Task<string> ShareTransferStatusAsync(string apiKey, string shareId, string transferId)
    {
        using var client = Host.CreateClient(apiKey);
        var transfer = await client.GetFromJsonAsync<JsonElement>($"/v1/shares/{shareId}/transfers/{transferId}");
        return transfer.GetProperty("status").GetString()!;
    }

    /// <summary>Signs in on the page with an API key or a bearer token, and waits for the answer.</summary>
    public static async Task SignInAsync(IPage page, string secret, bool bearer = false)
    {
        await page.GotoAsync("/monitor");
        if (bearer)
        {
            await page.GetByLabel("Ownership bearer token").CheckAsync();
        }

        await page.GetByLabel("Key or token").FillAsync(secret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("#who:visible, #sign-in-error:visible").WaitForAsync();
    }

    /// <summary>
    /// Saves a screenshot as <c>docs/monitor/{name}.png</c> when <c>TRANSFERS_SCREENSHOTS=1</c>, so that a normal test run
    /// leaves the working tree as it was.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("TRANSFERS_SCREENSHOTS") != "1")
        {
            return;
        }

        var path = RepositoryRoot.File($"docs/monitor/{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
    }
}

[CollectionDefinition(Name)]
public sealed class MonitorCollection : ICollectionFixture<MonitorFixture>
{
    public const string Name = "Monitor";
}
