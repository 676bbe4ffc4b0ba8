using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Core.Shares;
using Transfers.Testing;

namespace Transfers.Api.Tests.Shares;

public sealed class FileSyncEndToEndTests(SharesFactory factory) : IClassFixture<SharesFactory>
{
    private readonly ShareFiles _files = new();

    [Fact]
    public async Task ShareDestinationChangedUnderARunningTransfer_TransferAndItsReplacementKeepWritingWhereTheyStarted()
    {
        // Arrange: a running transfer, then the share's destination rewritten behind the API's check, as a start
        // racing PUT .../destination would leave it.
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        await _files.WriteAsync("r/one.txt", "1");
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, ["r/"], transferNow: true)).GetProperty("id").GetString()!;
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);
        var store = factory.Services.GetRequiredService<ShareStore>();
        var row = await Azurite.Tables.GetTableClient(ShareStore.SharesTable)
            .QueryAsync<Azure.Data.Tables.TableEntity>(e => e.RowKey == shareId).FirstAsync();
        var share = (await store.GetShareAsync(row.PartitionKey, shareId))!;
        var other = Azurite.Blobs.GetBlobContainerClient(Azurite.UniqueName("moved"));
        await store.UpdateShareAsync(share with { Destination = share.Destination! with { Container = other.Name } });

        // Act: a change picked up by the next check, then an edit whose replacement carries the automation on
        var changedAt = DateTimeOffset.UtcNow;
        await _files.WriteAsync("r/two.txt", "2");
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, changedAt);
        using var pause = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/pause", null);
        using var edit = await client.PutAsJsonAsync($"/v1/shares/{shareId}/transfers/{transferId}", new { transferEntity = new { type = "files", pathNames = new[] { "r/", "s/" } } });
        var newId = (await edit.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
        await _files.WriteAsync("s/three.txt", "3");
        var startedAt = DateTimeOffset.UtcNow;
        using var start = await client.PostAsync($"/v1/shares/{shareId}/transfers/{newId}/start", null);
        var replacement = await ShareFiles.WaitForCheckAfterAsync(client, shareId, newId, startedAt);
        var destination = await _files.ReadDestinationAsync();

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal("1 2 3", $"{destination["r/one.txt"]} {destination["r/two.txt"]} {destination["s/three.txt"]}");
        Assert.Equal(1, replacement.GetProperty("lastSync").GetProperty("filesCopied").GetInt64());
        Assert.False(await other.ExistsAsync());
    }

    [Fact]
    public async Task Start_RecordSaysSendingButNothingRuns_SchedulesTheOrchestrationAndSendsTheFiles()
    {
        // Arrange: what a host stopped between a start's record and its orchestration leaves
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        await _files.WriteAsync("s/one.txt", "1");
        var transferId = await RecordStartWithoutOrchestrationAsync(client, shareId, "s/");

        // Act
        var before = DateTimeOffset.UtcNow;
        using var start = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null);
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, before);
        var destination = await _files.ReadDestinationAsync();
        using var again = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null);

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal("1", destination["s/one.txt"]);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("Only a created transfer can start", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseAndResume_RecordSaysSendingButNothingRuns_PauseAnswersFromTheRecordAndResumeStartsIt()
    {
        // Arrange: a pause that finds no orchestration (a start still scheduling it, or a host stopped in between)
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        await _files.WriteAsync("p/one.txt", "1");
        var transferId = await RecordStartWithoutOrchestrationAsync(client, shareId, "p/");

        // Act
        using var pause = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/pause", null);
        var paused = (await ShareFiles.GetTransferAsync(client, shareId, transferId)).GetProperty("status").GetString();
        var before = DateTimeOffset.UtcNow;
        using var resume = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null);
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, before);
        var destination = await _files.ReadDestinationAsync();

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, pause.StatusCode);
        Assert.Equal("paused", paused);
        Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        Assert.Equal("1", destination["p/one.txt"]);
    }

    [Fact]
    public async Task Cancel_RecordSaysSendingButNothingRuns_CancelsFromTheRecordAndStartsNothing()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        var transferId = await RecordStartWithoutOrchestrationAsync(client, shareId, "c/");

        // Act
        using var cancel = await client.DeleteAsync($"/v1/shares/{shareId}/transfers/{transferId}");
        using var start = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null);
        var transfer = await ShareFiles.GetTransferAsync(client, shareId, transferId);
        var instance = await factory.Services.GetRequiredService<IDurableClient>().GetInstanceAsync(ShareSyncOrchestration.InstanceId(transferId));

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        Assert.Equal("canceled", transfer.GetProperty("status").GetString());
        Assert.Null(instance);
    }

    [Fact]
    public async Task Cancel_RunningTransfer_StopsSyncingAndRejectsFurtherCommands()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        await _files.WriteAsync("c/one.txt", "1");
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, ["c/"], transferNow: true)).GetProperty("id").GetString()!;
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);

        // Act
        using var cancel = await client.DeleteAsync($"/v1/shares/{shareId}/transfers/{transferId}");
        await _files.WriteAsync("c/two.txt", "2");
        await Task.Delay(SharesFactory.Interval * 3);
        var destination = await _files.ReadDestinationAsync();
        var transfer = await ShareFiles.GetTransferAsync(client, shareId, transferId);
        using var resume = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null);
        using var deleteShare = await client.DeleteAsync($"/v1/shares/{shareId}");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("canceled", transfer.GetProperty("status").GetString());
        Assert.Equal(["c/one.txt"], destination.Keys);
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
        Assert.Contains("canceled", await resume.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, deleteShare.StatusCode);
    }

    [Fact]
    public async Task DeleteShare_ActiveTransfer_Returns409AndKeepsTheShareAndTheTransfer()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        await _files.WriteAsync("k/one.txt", "1");
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, ["k/"], transferNow: true)).GetProperty("id").GetString()!;
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);

        // Act
        using var delete = await client.DeleteAsync($"/v1/shares/{shareId}");
        using var share = await client.GetAsync($"/v1/shares/{shareId}");
        var transfer = await ShareFiles.GetTransferAsync(client, shareId, transferId);

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Equal("application/problem+json", delete.Content.Headers.ContentType?.MediaType);
        var detail = (await delete.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains(transferId, detail, StringComparison.Ordinal);
        Assert.Contains("cancel it first", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, share.StatusCode);
        Assert.Contains(transfer.GetProperty("status").GetString(), new[] { "syncing", "synced" });
    }

    [Fact]
    public async Task AccessDetails_Sas_ListsAndReadsButCannotWrite()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        await _files.WriteAsync("s/file.txt", "secret");
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, ["s/file.txt"], transferNow: true)).GetProperty("id").GetString()!;
        var transfer = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);
        var access = transfer.GetProperty("accessDetails");
        var sas = new BlobContainerClient(new Uri(access.GetProperty("access").GetString()!));

        // Act
        var names = new List<string>();
        await foreach (var blob in sas.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        var content = (await sas.GetBlobClient(ShareFiles.DestinationLatest + "s/file.txt").DownloadContentAsync()).Value.Content.ToString();
        var write = await Assert.ThrowsAsync<RequestFailedException>(() => sas.GetBlobClient("consumer/latest/evil.txt").UploadAsync(BinaryData.FromString("x")));
        var delete = await Assert.ThrowsAsync<RequestFailedException>(() => sas.GetBlobClient(ShareFiles.DestinationLatest + "s/file.txt").DeleteAsync());

        // Assert
        Assert.Equal([ShareFiles.DestinationLatest + "s/file.txt"], names);
        Assert.Equal("secret", content);
        Assert.Equal(403, write.Status);
        Assert.Equal(403, delete.Status);
        var expiresAt = access.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddDays(6), DateTimeOffset.UtcNow.AddDays(7.1));
    }

    [Fact]
    public async Task CreatedTransfer_UpdatedInPlaceThenStarted_SendsTheUpdatedSelection()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        await _files.WriteAsync("x/1.txt", "1");
        await _files.WriteAsync("y/2.txt", "2");
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, ["x/"], transferNow: false)).GetProperty("id").GetString()!;

        // Act
        using var update = await client.PutAsJsonAsync($"/v1/shares/{shareId}/transfers/{transferId}", new { transferEntity = new { type = "files", pathNames = new[] { "y/" } } });
        var updated = await update.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        using var start = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null);
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);
        var destination = await _files.ReadDestinationAsync();
        using var list = await client.GetAsync($"/v1/shares/{shareId}/transfers?status=synced");
        var listed = await list.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(transferId, updated.GetProperty("id").GetString());
        Assert.Equal("y/", updated.GetProperty("transferEntity").GetProperty("pathNames")[0].GetString());
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal(["y/2.txt"], destination.Keys);
        Assert.Equal(transferId, listed.GetProperty("items")[0].GetProperty("id").GetString());
    }

    /// <summary>Writes the record a start writes before it schedules the orchestration, and schedules nothing.</summary>
    private async Task<string> RecordStartWithoutOrchestrationAsync(HttpClient client, string shareId, string folder)
    {
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, [folder], transferNow: false)).GetProperty("id").GetString()!;
        var store = factory.Services.GetRequiredService<ShareStore>();
        var created = (await store.GetTransferAsync(shareId, transferId))!;
        await store.TryReplaceTransferAsync(created with { Status = ShareTransferStatus.Sending, StartedAt = DateTimeOffset.UtcNow });
        return transferId;
    }

    [Fact]
    public async Task PauseTransfer_AfterACheck_ShowsNoNextSyncAtUntilResumed()
    {
        // Arrange: a transfer whose check has set the time of the next one.
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        await _files.WriteAsync("n/a.txt", "a1");
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, ["n/"], transferNow: true)).GetProperty("id").GetString()!;
        var synced = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);

        // Act
        using var pause = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/pause", null);
        var pauseBody = await pause.Content.ReadFromJsonAsync<JsonElement>();
        await Task.Delay(SharesFactory.Interval * 2);
        var paused = await ShareFiles.GetTransferAsync(client, shareId, transferId);
        var resumedAt = DateTimeOffset.UtcNow;
        using var resume = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null);
        var resumed = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, resumedAt);

        // Assert
        Assert.True(synced.TryGetProperty("nextSyncAt", out _));
        Assert.Equal(HttpStatusCode.Accepted, pause.StatusCode);
        Assert.False(pauseBody.TryGetProperty("nextSyncAt", out _), pauseBody.ToString());
        Assert.Equal("paused", paused.GetProperty("status").GetString());
        Assert.False(paused.TryGetProperty("nextSyncAt", out _), paused.ToString());
        Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        Assert.True(resumed.GetProperty("nextSyncAt").GetDateTimeOffset() > resumedAt);
    }
}

/// <summary>A share sent, synced, paused, resumed and edited: one body, run on both durable backends.</summary>
public abstract class FileSyncFlowTests(SharesFactory factory)
{
    private readonly ShareFiles _files = new();

    [Fact]
    public async Task Transfer_NestedFoldersAndFiles_SendsThenPicksUpAddModifyDeleteEachCheck()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        for (var i = 0; i < 30; i++)
        {
            await _files.WriteAsync($"data/{i % 3}/deep/file{i:D2}.csv", $"v1-{i}");
        }

        await _files.WriteAsync("top.txt", "top");
        await _files.WriteAsync("other/not-selected.txt", "no");
        await _files.WriteAsync("data-sibling.txt", "no");

        // Act: the initial send
        var transfer = await ShareFiles.CreateTransferAsync(client, shareId, ["data/", "top.txt"], transferNow: true);
        var transferId = transfer.GetProperty("id").GetString()!;
        var sent = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);
        var afterSend = await _files.ReadDestinationAsync();

        // Act: add, modify, delete
        var changedAt = DateTimeOffset.UtcNow;
        await _files.WriteAsync("data/new/added.csv", "added");
        await _files.WriteAsync("data/0/deep/file00.csv", "v2-0");
        await _files.DeleteAsync("data/1/deep/file01.csv");
        await _files.DeleteAsync("top.txt");
        var synced = await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, changedAt);
        var afterSync = await _files.ReadDestinationAsync();

        // Assert
        Assert.Equal("sending", transfer.GetProperty("status").GetString());
        Assert.Equal(31, afterSend.Count);
        Assert.Equal("top", afterSend["top.txt"]);
        Assert.Equal("v1-29", afterSend["data/2/deep/file29.csv"]);
        Assert.DoesNotContain("other/not-selected.txt", afterSend.Keys);
        Assert.DoesNotContain("data-sibling.txt", afterSend.Keys);
        Assert.Equal(31, sent.GetProperty("lastSync").GetProperty("filesCopied").GetInt64());
        Assert.Equal(31, sent.GetProperty("progress").GetProperty("filesDone").GetInt64());
        Assert.True(sent.GetProperty("progress").GetProperty("bytesDone").GetInt64() > 0);
        Assert.True(sent.TryGetProperty("nextSyncAt", out _));

        Assert.Equal(30, afterSync.Count);
        Assert.Equal("added", afterSync["data/new/added.csv"]);
        Assert.Equal("v2-0", afterSync["data/0/deep/file00.csv"]);
        Assert.DoesNotContain("data/1/deep/file01.csv", afterSync.Keys);
        Assert.DoesNotContain("top.txt", afterSync.Keys);
        var last = synced.GetProperty("lastSync");
        Assert.Equal(2, last.GetProperty("filesCopied").GetInt64());
        Assert.Equal(2, last.GetProperty("filesDeleted").GetInt64());
    }

    [Fact]
    public async Task PauseAndResume_ChangesWhilePaused_LeaveDestinationUntouchedUntilResume()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        await _files.WriteAsync("d/a.txt", "a1");
        await _files.WriteAsync("d/b.txt", "b1");
        var transferId = (await ShareFiles.CreateTransferAsync(client, shareId, ["d/"], transferNow: true)).GetProperty("id").GetString()!;
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, DateTimeOffset.MinValue);

        // Act: pause, change the source, wait several intervals
        using var pause = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/pause", null);
        var pausedTwice = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/pause", null);
        await _files.WriteAsync("d/a.txt", "a2");
        await _files.DeleteAsync("d/b.txt");
        await _files.WriteAsync("d/c.txt", "c1");
        await Task.Delay(SharesFactory.Interval * 3);
        var whilePaused = await _files.ReadDestinationAsync();
        var pausedStatus = (await ShareFiles.GetTransferAsync(client, shareId, transferId)).GetProperty("status").GetString();

        // Act: resume
        var resumedAt = DateTimeOffset.UtcNow;
        using var resume = await client.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null);
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, transferId, resumedAt);
        var afterResume = await _files.ReadDestinationAsync();

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, pause.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, pausedTwice.StatusCode);
        Assert.Contains("paused", await pausedTwice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("paused", pausedStatus);
        Assert.Equal("a1=a1 b1", $"a1={whilePaused["d/a.txt"]} {whilePaused["d/b.txt"]}");
        Assert.DoesNotContain("d/c.txt", whilePaused.Keys);
        Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        Assert.Equal("a2", afterResume["d/a.txt"]);
        Assert.Equal("c1", afterResume["d/c.txt"]);
        Assert.DoesNotContain("d/b.txt", afterResume.Keys);
    }

    [Fact]
    public async Task EditFlow_PausedTransferUpdated_NewTransferReplacesItWithoutRecopying()
    {
        // Arrange
        using var client = await factory.CreateTenantClientAsync();
        var shareId = await _files.CreateShareAsync(client);
        await _files.WriteAsync("keep/k.txt", "k");
        await _files.WriteAsync("drop/d.txt", "d");
        await _files.WriteAsync("add/a.txt", "a");
        var oldId = (await ShareFiles.CreateTransferAsync(client, shareId, ["keep/", "drop/"], transferNow: true)).GetProperty("id").GetString()!;
        await ShareFiles.WaitForCheckAfterAsync(client, shareId, oldId, DateTimeOffset.MinValue);
        var keptBefore = (await _files.Destination.GetBlobClient(ShareFiles.DestinationLatest + "keep/k.txt").GetPropertiesAsync()).Value.ETag;

        // Act
        using var notPaused = await client.PutAsJsonAsync($"/v1/shares/{shareId}/transfers/{oldId}", new { transferEntity = new { type = "files", pathNames = new[] { "keep/" } } });
        using var pause = await client.PostAsync($"/v1/shares/{shareId}/transfers/{oldId}/pause", null);
        using var edit = await client.PutAsJsonAsync($"/v1/shares/{shareId}/transfers/{oldId}", new { transferEntity = new { type = "files", pathNames = new[] { "keep/", "add/" } } });
        var edited = await edit.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var newId = edited.GetProperty("id").GetString()!;
        var startedAt = DateTimeOffset.UtcNow;
        using var start = await client.PostAsync($"/v1/shares/{shareId}/transfers/{newId}/start", null);
        var synced = await ShareFiles.WaitForCheckAfterAsync(client, shareId, newId, startedAt);
        var old = await ShareFiles.GetTransferAsync(client, shareId, oldId);
        var destination = await _files.ReadDestinationAsync();
        var keptAfter = (await _files.Destination.GetBlobClient(ShareFiles.DestinationLatest + "keep/k.txt").GetPropertiesAsync()).Value.ETag;

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, notPaused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, edit.StatusCode);
        Assert.NotEqual(oldId, newId);
        Assert.Equal("created", edited.GetProperty("status").GetString());
        Assert.Equal(oldId, edited.GetProperty("replaces").GetString());
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal("superseded", old.GetProperty("status").GetString());
        Assert.Equal(newId, old.GetProperty("supersededBy").GetString());
        Assert.Equal(["add/a.txt", "keep/k.txt"], destination.Keys);
        Assert.Equal(keptBefore, keptAfter);
        Assert.Equal(1, synced.GetProperty("lastSync").GetProperty("filesCopied").GetInt64());
        Assert.Equal(1, synced.GetProperty("lastSync").GetProperty("filesDeleted").GetInt64());
    }
}

/// <summary>FileSyncFlowTests on the embedded engine.</summary>
public sealed class EmbeddedFileSyncFlowTests(SharesFactory factory) : FileSyncFlowTests(factory), IClassFixture<SharesFactory>;

/// <summary>FileSyncFlowTests on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageFileSyncFlowTests(AzureStorageSharesFactory factory) : FileSyncFlowTests(factory), IClassFixture<AzureStorageSharesFactory>;
