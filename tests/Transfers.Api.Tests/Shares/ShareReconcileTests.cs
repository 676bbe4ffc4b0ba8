using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Transfers.Core.Shares;
using Transfers.Testing;

namespace Transfers.Api.Tests.Shares;

/// <summary>
/// A running share transfer whose orchestration an operator terminates (and purges) through the management API, as
/// Durable Functions clients do, then one reconciler pass.
/// </summary>
public sealed class ShareReconcileTests(SharesFactory factory) : IClassFixture<SharesFactory>
{
    private const string Instances = "/runtime/webhooks/durabletask/instances";

    private readonly ShareFiles _files = new();

    [Fact]
    public async Task ReconcileOnce_SyncedTransferTerminated_SaysFailedWithTheTerminationAndStartResumesIt()
    {
        // Arrange: a synced transfer whose orchestration is terminated
        using var client = await factory.CreateTenantClientAsync();
        using var admin = factory.CreateClient(SharesFactory.AdminKey);
        var (shareId, transferId) = await SyncedTransferAsync(client);
        var instanceId = ShareSyncOrchestration.InstanceId(transferId);
        using var terminated = await admin.PostAsync($"{Instances}/{instanceId}/terminate?reason=by%20hand", null);
        await WaitForStatusAsync(admin, instanceId, "Terminated");

        // Act
        var report = await ReconcilePass.RunAsync(factory.Services, [transferId]);
        var failed = await ShareFiles.GetTransferAsync(client, shareId, transferId);
        using var start = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null);
        var addedAt = DateTimeOffset.UtcNow;
        await _files.WriteAsync("d/after.txt", "after");
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, addedAt);
        var destination = await _files.ReadDestinationAsync();

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        Assert.Equal(1, report.Repaired);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains(
            failed.GetProperty("errors").EnumerateArray(),
            e => e.GetProperty("message").GetString()!.Contains("terminated (reason: by hand)", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal("after", destination["d/after.txt"]);
        Assert.Equal("before", destination["d/before.txt"]);
    }

    [Fact]
    public async Task ReconcileOnce_SyncedTransferTerminatedAndPurged_SchedulesItAgainAndNewFilesArrive()
    {
        // Arrange: the case: terminate, then purge, so that nothing is left to say what happened
        using var client = await factory.CreateTenantClientAsync();
        using var admin = factory.CreateClient(SharesFactory.AdminKey);
        var (shareId, transferId) = await SyncedTransferAsync(client);
        var instanceId = ShareSyncOrchestration.InstanceId(transferId);
        using var terminated = await admin.PostAsync($"{Instances}/{instanceId}/terminate", null);
        await WaitForStatusAsync(admin, instanceId, "Terminated");
        using var purged = await admin.DeleteAsync($"{Instances}/{instanceId}");

        // Act: the pass alone; the client does nothing
        var report = await ReconcilePass.RunAsync(factory.Services, [transferId]);
        var addedAt = DateTimeOffset.UtcNow;
        await _files.WriteAsync("d/after.txt", "after");
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, addedAt);
        var destination = await _files.ReadDestinationAsync();

        // Assert
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(1, report.Repaired);
        Assert.Equal("after", destination["d/after.txt"]);
        using var instance = await admin.GetAsync($"{Instances}/{instanceId}");
        Assert.Equal(HttpStatusCode.Accepted, instance.StatusCode);
    }

    private async Task<(string ShareId, string TransferId)> SyncedTransferAsync(HttpClient client)
    {
        var shareId = await _files.CreateShareAsync(client);
        await _files.WriteAsync("d/before.txt", "before");
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, ["d/"], transferNow: true)).GetProperty("id").GetString()!;
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);
        return (shareId, transferId);
    }

    private static Task<JsonElement> WaitForStatusAsync(HttpClient admin, string instanceId, string status) =>
        Eventually.MatchAsync(
            async () => await admin.GetFromJsonAsync<JsonElement>($"{Instances}/{instanceId}"),
            b => b.GetProperty("runtimeStatus").GetString() == status,
            TimeSpan.FromSeconds(30));
}
