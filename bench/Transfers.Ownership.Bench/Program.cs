using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core;
using Transfers.Core.Ownership;
using Transfers.Testing;

// Accept-to-done time of one ownership transfer: an owner with one integration and N resources tied to it invites
// another user, who accepts; the clock runs from the accept request until the record says done. The host runs as a
// separate process (as ./run.sh starts it) on the storage in TRANSFERS_TEST_STORAGE; the records are polled directly
// in storage so the polling does not load the host.
var resourceCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var configurations = new (string Name, Dictionary<string, string> Settings)[]
{
    ("defaults (chunk 1000, 8 parallel moves, 4 requests per move)", []),
    ("chunk 500, 16 parallel moves, 2 requests per move", new()
    {
        ["Transfers__Ownership__MoveChunkSize"] = "500",
        ["Transfers__Ownership__MaxParallelMoves"] = "16",
        ["Transfers__Ownership__MoveConcurrency"] = "2",
    }),
};

using var services = new ServiceCollection()
    .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Azurite.ConnectionString }).Build())
    .AddTransfersCore()
    .BuildServiceProvider();
var resources = services.GetRequiredService<ResourceStore>();
var transfers = services.GetRequiredService<OwnershipTransferStore>();
var report = new StringBuilder();
report.AppendLine("# Ownership benchmark").AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Accept-to-done time of one ownership transfer of {resourceCount:N0} resources (1 integration; flows, exports, imports and connections tied to it), ")
    .AppendLine("measured from the accept request until the transfer record reads `done`; the local host runs as a separate process (Release build) ")
    .AppendLine(CultureInfo.InvariantCulture, $"on a fresh Azurite 3.37, {Environment.ProcessorCount} cores (shared with other builds; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Run: `dotnet build src/Transfers.Host -c Release && dotnet run -c Release --project bench/Transfers.Ownership.Bench [resources]`.")
    .AppendLine()
    .AppendLine("| settings | invite (closure + toTransfer rows) | accept → done | resources/s |")
    .AppendLine("|---|---|---|---|");

foreach (var (name, settings) in configurations)
{
    settings["Transfers__Durable__HubName"] = Azurite.UniqueName("ownbench");
    await using var host = await HostProcess.StartAsync(settings);
    var owner = await CreateUserAsync(host);
    var invitee = await CreateUserAsync(host);
    var integration = await SeedAsync(resources, owner.Id, resourceCount);
    using var ownerClient = Bearer(host, owner.Token);
    using var inviteeClient = Bearer(host, invitee.Token);

    var clock = Stopwatch.StartNew();
    using var invited = await ownerClient.PostAsJsonAsync("/v1/transfers/invite", new { email = invitee.Email, _integrationIds = new[] { integration } });
    var invite = clock.Elapsed;
    invited.EnsureSuccessStatusCode();
    var transferId = (await invited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;

    clock.Restart();
    using var accepted = await inviteeClient.PutAsync($"/v1/transfers/{transferId}/accept", null);
    accepted.EnsureSuccessStatusCode();
    var done = await Eventually.MatchAsync(
        () => transfers.GetAsync(transferId),
        t => t?.IsClosed == true,
        TimeSpan.FromMinutes(10));
    var elapsed = clock.Elapsed;

    var moved = (await resources.ListAllAsync(invitee.Id)).Count;
    if (done!.Status != OwnershipTransferStatus.Done || moved != resourceCount)
    {
        throw new InvalidOperationException($"The transfer ended {done.Status} with {moved} of {resourceCount} resources moved.");
    }

    var rate = resourceCount / elapsed.TotalSeconds;
    Console.WriteLine($"{name}: invite {invite.TotalSeconds:F2} s; accept -> done {elapsed.TotalSeconds:F2} s for {resourceCount:N0} resources = {rate:N0} resources/s");
    report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {invite.TotalSeconds:F2} s | {elapsed.TotalSeconds:F2} s | {rate:N0} |");
}

report.AppendLine()
    .AppendLine("Each resource costs its share of one range read per chunk, one conditional update in a table transaction of 100, ")
    .AppendLine("and one upsert plus one delete in the owner index (transactions of 100); the orchestration's history holds only the chunk ranges.");
var output = Path.Combine(RepositoryRoot(), "bench", "results", "ownership.md");
await File.WriteAllTextAsync(output, report.ToString());
Console.WriteLine($"Saved {output}");

static async Task<string> SeedAsync(ResourceStore resources, string ownerId, int count)
{
    var integration = ObjectIds.NewId();
    var seeded = new List<OwnedResource>(count) { new("integrations", integration, ownerId, "Bench", $"{{\"_id\":\"{integration}\",\"name\":\"Bench\"}}") };
    string[] collections = ["flows", "exports", "imports", "connections"];
    for (var i = 1; i < count; i++)
    {
        var id = ObjectIds.NewId();
        seeded.Add(new OwnedResource(collections[i % collections.Length], id, ownerId, $"R{i}", $"{{\"_id\":\"{id}\",\"name\":\"R{i}\",\"_integrationId\":\"{integration}\"}}"));
    }

    await resources.AddAsync(seeded);
    return integration;
}

static async Task<(string Id, string Email, string Token)> CreateUserAsync(HostProcess host)
{
    using var admin = host.CreateClient("test-admin-key");
    var email = $"{Azurite.UniqueName("bench")}@example.com";
    using var response = await admin.PostAsJsonAsync("/admin/users", new { email });
    response.EnsureSuccessStatusCode();
    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
    return (body.GetProperty("_id").GetString()!, email, body.GetProperty("token").GetString()!);
}

static HttpClient Bearer(HostProcess host, string token)
{
    var client = host.CreateClient();

    // An invitation of many resources takes longer than the helper's default timeout on a loaded machine.
    client.Timeout = TimeSpan.FromMinutes(10);
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    return client;
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Transfers.Functions.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("The repository root was not found.");
}
