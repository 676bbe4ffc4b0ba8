using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Transfers.Core.Application;
using Transfers.Core.DurableTask;
using Transfers.Core.Security;
using Transfers.Core.Shares;
using Transfers.Core.Storage;
using Transfers.Core.Tenants;
using Transfers.Testing;

namespace Transfers.Core.Tests.Shares;

/// <summary>
/// The family's use cases without HTTP: the share records over the test Azurite, the durable client mocked, so each test
/// asserts the record, what was scheduled and raised in which order, and the result.
/// </summary>
public sealed class SharesServiceTests : IAsyncLifetime
{
    private const string FilesShare = """{"name":"n","source":{"container":"source-box"},"destination":{"kind":"files","container":"dest-box"}}""";

    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Azurite.ConnectionString }).Build())
        .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
        .AddTransfersCore()
        .BuildServiceProvider();

    private readonly Mock<IDurableClient> _durable = new(MockBehavior.Strict);
    private readonly List<string> _calls = [];
    private readonly List<object?> _inputs = [];
    private readonly string _tenant = "t" + Secrets.NewId()[..12];
    private readonly SharesOptions _options = new();

    public SharesServiceTests()
    {
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Callback<string, object?, StartOrchestrationOptions?, CancellationToken>((name, input, o, _) =>
            {
                _calls.Add($"schedule {name} {o!.InstanceId}");
                _inputs.Add(input);
            })
            .ReturnsAsync((string _, object? _, StartOrchestrationOptions? o, CancellationToken _) => o!.InstanceId!);
        _durable.Setup(d => d.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, object?, CancellationToken>((id, name, _, _) => _calls.Add($"raise {id} {name}"))
            .Returns(Task.CompletedTask);
    }

    private SharesService Service => new(
        Store,
        _services.GetRequiredService<StorageAccessPolicy>(),
        _durable.Object,
        TimeProvider.System,
        Options.Create(_options),
        _services.GetRequiredService<ShareWarehouseAccess>());

    private ShareStore Store => _services.GetRequiredService<ShareStore>();

    public async Task InitializeAsync() =>
        await _services.GetRequiredService<ConnectionGrantStore>().GrantAsync(_tenant, StorageConnections.DefaultName, prefix: null);

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task CreateTransferAsync_TransferNow_RecordsSendingTransferThenSchedulesFileSync()
    {
        // Arrange
        var share = await CreateShareAsync();

        // Act
        var result = await Service.CreateTransferAsync(share, Body("""{"transferEntity":{"type":"files","pathNames":["a/"]},"options":{"transferNow":true}}"""));

        // Assert
        Assert.True(result.IsOk);
        var transfer = result.Value!;
        Assert.Equal(ShareTransferStatus.Sending, transfer.Status);
        Assert.Equal(share.Destination, transfer.Destination);
        Assert.Equal(ShareTransferStatus.Sending, (await Store.GetTransferAsync(share.Id, transfer.Id))!.Status);
        Assert.Equal([$"schedule {nameof(FileSyncOrchestration)} {ShareSyncOrchestration.InstanceId(transfer.Id)}"], _calls);
        var input = Assert.IsType<ShareSyncInput>(Assert.Single(_inputs));
        Assert.Equal((transfer.Id, _options.SyncInterval, false, false), (input.Transfer.TransferId, input.Interval, input.InitialSendDone, input.PruneUnselected));
    }

    [Fact]
    public async Task CreateTransferAsync_InvalidBody_IsInvalidByFieldAndRecordsNothing()
    {
        // Arrange
        var share = await CreateShareAsync();

        // Act
        var result = await Service.CreateTransferAsync(share, Body("""{"options":{"transferNow":"yes"}}"""));

        // Assert
        Assert.Equal(ServiceOutcome.Invalid, result.Status.Outcome);
        Assert.All(result.Status.Errors, e => Assert.Equal(ShareInvalid.Transfer, e.Code));
        Assert.Equal(["options.transferNow", "transferEntity"], result.Status.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.Empty(await Store.ListTransfersAsync(share.Id));
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task CreateTransferAsync_ShareFull_IsConflictNamingTheLimit()
    {
        // Arrange
        _options.MaxTransfersPerShare = 1;
        var share = await CreateShareAsync();
        await CreatedTransferAsync(share);

        // Act
        var result = await Service.CreateTransferAsync(share, FilesTransfer());

        // Assert
        Assert.Equal(ServiceOutcome.Conflict, result.Status.Outcome);
        Assert.Equal("A share holds at most 1 transfers that are not canceled or superseded; cancel one first.", result.Status.Message);
        Assert.Single(await Store.ListTransfersAsync(share.Id));
    }

    [Fact]
    public async Task CreateShareAsync_TenantHoldsTheMostShares_IsConflict()
    {
        // Arrange
        _options.MaxSharesPerTenant = 1;
        await CreateShareAsync();

        // Act
        var result = await Service.CreateShareAsync(_tenant, Body(FilesShare));

        // Assert
        Assert.Equal(ServiceOutcome.Conflict, result.Status.Outcome);
        Assert.Equal("A tenant holds at most 1 shares; delete one first.", result.Status.Message);
        Assert.Single(await Store.ListSharesAsync(_tenant));
    }

    [Fact]
    public async Task ListSharesAsync_MoreThanALimit_PagesNewestFirstThroughTheCursor()
    {
        // Arrange
        var first = await CreateShareAsync();
        var second = await CreateShareAsync();
        var third = await CreateShareAsync();

        // Act
        var page1 = (await Service.ListSharesAsync(_tenant, 2, null)).Value!;
        var page2 = (await Service.ListSharesAsync(_tenant, 2, ShareListCursor.Parse(page1.Next))).Value!;

        // Assert
        var expected = new[] { first, second, third }.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal).Select(s => s.Id).ToList();
        Assert.Equal(expected, page1.Items.Concat(page2.Items).Select(s => s.Id));
        Assert.Equal(2, page1.Items.Count);
        Assert.NotNull(page1.Next);
        Assert.Null(page2.Next);
    }

    [Fact]
    public async Task GetTransferAsync_AnotherTenantsShare_IsNotFound()
    {
        // Arrange
        var share = await CreateShareAsync();
        var transfer = await CreatedTransferAsync(share);

        // Act
        var result = await Service.GetTransferAsync("other" + _tenant, share.Id, transfer.Id);

        // Assert
        Assert.Equal(ServiceOutcome.NotFound, result.Status.Outcome);
        Assert.Equal($"No share '{share.Id}' exists.", result.Status.Message);
    }

    [Fact]
    public async Task StartTransferAsync_CreatedWithoutDestination_IsInvalidCannotStartAndSchedulesNothing()
    {
        // Arrange
        var share = Assert.IsType<Share>((await Service.CreateShareAsync(_tenant, Body("""{"name":"n","source":{"container":"source-box"}}"""))).Value);
        var transfer = await CreatedTransferAsync(share);

        // Act
        var result = await Service.StartTransferAsync(_tenant, share.Id, transfer.Id);

        // Assert
        var error = Assert.Single(result.Status.Errors);
        Assert.Equal((ShareInvalid.Start, "destination", "Set the share's destination first."), (error.Code, error.Field, error.Message));
        Assert.Equal(ShareTransferStatus.Created, (await Store.GetTransferAsync(share.Id, transfer.Id))!.Status);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task StartTransferAsync_PausedWhileItsOrchestrationRuns_RecordsSyncingThenRaisesResume()
    {
        // Arrange
        var (share, transfer) = await PausedTransferAsync();
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Callback<string, object?, StartOrchestrationOptions?, CancellationToken>((name, _, o, _) => _calls.Add($"schedule {name} {o!.InstanceId}"))
            .ThrowsAsync(new InstanceAlreadyExistsException(ShareSyncOrchestration.InstanceId(transfer.Id)));

        // Act
        var result = await Service.StartTransferAsync(_tenant, share.Id, transfer.Id);

        // Assert
        Assert.Equal(ShareTransferStatus.Syncing, result.Value!.Status);
        Assert.Equal(ShareTransferStatus.Syncing, (await Store.GetTransferAsync(share.Id, transfer.Id))!.Status);
        var instance = ShareSyncOrchestration.InstanceId(transfer.Id);
        Assert.Equal([$"schedule {nameof(FileSyncOrchestration)} {instance}", $"raise {instance} {ShareEvents.Resume}"], _calls);
    }

    [Fact]
    public async Task StartTransferAsync_PausedWithNothingRunning_SchedulesAndRaisesNothing()
    {
        // Arrange
        var (share, transfer) = await PausedTransferAsync();

        // Act
        var result = await Service.StartTransferAsync(_tenant, share.Id, transfer.Id);

        // Assert
        Assert.Equal(ShareTransferStatus.Syncing, result.Value!.Status);
        Assert.Equal([$"schedule {nameof(FileSyncOrchestration)} {ShareSyncOrchestration.InstanceId(transfer.Id)}"], _calls);
    }

    [Fact]
    public async Task StartTransferAsync_RecordSaysSendingAndItsOrchestrationRuns_IsConflict()
    {
        // Arrange: started, and its orchestration still runs
        var share = await CreateShareAsync();
        var transfer = (await Service.CreateTransferAsync(share, FilesTransfer(transferNow: true))).Value!;
        _calls.Clear();
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InstanceAlreadyExistsException(ShareSyncOrchestration.InstanceId(transfer.Id)));

        // Act
        var result = await Service.StartTransferAsync(_tenant, share.Id, transfer.Id);

        // Assert
        Assert.Equal(ServiceOutcome.Conflict, result.Status.Outcome);
        Assert.Equal("Only a created transfer can start, or a paused one resume; this one is sending.", result.Status.Message);
    }

    [Fact]
    public async Task PauseTransferAsync_Sending_RecordsPausedWithNoCheckDueThenRaisesPause()
    {
        // Arrange
        var share = await CreateShareAsync();
        var transfer = (await Service.CreateTransferAsync(share, FilesTransfer(transferNow: true))).Value!;
        _calls.Clear();

        // Act
        var result = await Service.PauseTransferAsync(_tenant, share.Id, transfer.Id);

        // Assert
        Assert.Equal(ShareTransferStatus.Paused, result.Value!.Status);
        var stored = (await Store.GetTransferAsync(share.Id, transfer.Id))!;
        Assert.Equal((ShareTransferStatus.Paused, (DateTimeOffset?)null), (stored.Status, stored.NextSyncAt));
        Assert.Equal([$"raise {ShareSyncOrchestration.InstanceId(transfer.Id)} {ShareEvents.Pause}"], _calls);
    }

    [Fact]
    public async Task PauseTransferAsync_OrchestrationNotFound_StillPausesTheRecord()
    {
        // Arrange
        var share = await CreateShareAsync();
        var transfer = (await Service.CreateTransferAsync(share, FilesTransfer(transferNow: true))).Value!;
        _durable.Setup(d => d.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InstanceNotFoundException(ShareSyncOrchestration.InstanceId(transfer.Id)));

        // Act
        var result = await Service.PauseTransferAsync(_tenant, share.Id, transfer.Id);

        // Assert
        Assert.True(result.IsOk);
        Assert.Equal(ShareTransferStatus.Paused, (await Store.GetTransferAsync(share.Id, transfer.Id))!.Status);
    }

    [Fact]
    public async Task PauseTransferAsync_Created_IsConflictAndRaisesNothing()
    {
        // Arrange
        var share = await CreateShareAsync();
        var transfer = await CreatedTransferAsync(share);

        // Act
        var result = await Service.PauseTransferAsync(_tenant, share.Id, transfer.Id);

        // Assert
        Assert.Equal(ServiceOutcome.Conflict, result.Status.Outcome);
        Assert.Equal(ShareTransferStatus.Created, (await Store.GetTransferAsync(share.Id, transfer.Id))!.Status);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task CancelTransferAsync_Created_RecordsCanceledAndRaisesNothing()
    {
        // Arrange
        var share = await CreateShareAsync();
        var transfer = await CreatedTransferAsync(share);

        // Act
        var result = await Service.CancelTransferAsync(_tenant, share.Id, transfer.Id);

        // Assert
        Assert.Equal(ShareTransferStatus.Canceled, result.Value!.Status);
        Assert.Equal(ShareTransferStatus.Canceled, (await Store.GetTransferAsync(share.Id, transfer.Id))!.Status);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task CancelTransferAsync_Sending_RecordsCanceledThenRaisesCancel()
    {
        // Arrange
        var share = await CreateShareAsync();
        var transfer = (await Service.CreateTransferAsync(share, FilesTransfer(transferNow: true))).Value!;
        _calls.Clear();

        // Act
        var result = await Service.CancelTransferAsync(_tenant, share.Id, transfer.Id);

        // Assert
        Assert.Equal(ShareTransferStatus.Canceled, result.Value!.Status);
        Assert.Equal([$"raise {ShareSyncOrchestration.InstanceId(transfer.Id)} {ShareEvents.Cancel}"], _calls);
    }

    [Fact]
    public async Task UpdateTransferAsync_PausedEditedWithTransferNow_SupersedesTheOldOneSignalsItThenSchedulesTheReplacement()
    {
        // Arrange
        var (share, paused) = await PausedTransferAsync();
        _calls.Clear();
        _inputs.Clear();

        // Act
        var result = await Service.UpdateTransferAsync(new ShareTransferFound(share, paused), FilesTransfer(transferNow: true, path: "b/"));

        // Assert
        Assert.True(result.Value!.Created);
        var replacement = result.Value.Transfer;
        Assert.Equal((ShareTransferStatus.Syncing, paused.Id, paused.StateKey), (replacement.Status, replacement.Replaces, replacement.StateKey));
        var old = (await Store.GetTransferAsync(share.Id, paused.Id))!;
        Assert.Equal((ShareTransferStatus.Superseded, replacement.Id), (old.Status, old.SupersededBy));
        Assert.Equal(
            [$"raise {ShareSyncOrchestration.InstanceId(paused.Id)} {ShareEvents.Cancel}", $"schedule {nameof(FileSyncOrchestration)} {ShareSyncOrchestration.InstanceId(replacement.Id)}"],
            _calls);
        var input = Assert.IsType<ShareSyncInput>(Assert.Single(_inputs));
        Assert.True(input.InitialSendDone && input.PruneUnselected);
    }

    [Fact]
    public async Task UpdateTransferAsync_PausedEditedToTablesOnAFilesShare_IsInvalidAndAddsNothing()
    {
        // Arrange
        var (share, paused) = await PausedTransferAsync();

        // Act
        var result = await Service.UpdateTransferAsync(
            new ShareTransferFound(share, paused),
            Body("""{"transferEntity":[{"type":"table","name":"orders","sourceTable":"Orders","loadingPattern":"OVERWRITE"}]}"""));

        // Assert
        var error = Assert.Single(result.Status.Errors);
        Assert.Equal(
            (ShareInvalid.Transfer, "transferEntity", "Tables need a table or postgres destination; this share's destination is a files destination."),
            (error.Code, error.Field, error.Message));
        Assert.Single(await Store.ListTransfersAsync(share.Id));
    }

    [Fact]
    public async Task SetDestinationAsync_TransferActive_IsConflictAndKeepsTheDestination()
    {
        // Arrange
        var share = await CreateShareAsync();
        var transfer = (await Service.CreateTransferAsync(share, FilesTransfer(transferNow: true))).Value!;

        // Act
        var result = await Service.SetDestinationAsync(share, Body("""{"kind":"files","container":"other-box"}"""));

        // Assert
        Assert.Equal(ServiceOutcome.Conflict, result.Status.Outcome);
        Assert.Equal($"The destination cannot change while transfer '{transfer.Id}' is sending; cancel it first.", result.Status.Message);
        Assert.Equal("dest-box", (await Store.GetShareAsync(_tenant, share.Id))!.Destination!.Container);
    }

    [Fact]
    public async Task SetDestinationAsync_NoTransfer_ReplacesTheDestination()
    {
        // Arrange
        var share = await CreateShareAsync();

        // Act
        var result = await Service.SetDestinationAsync(share, Body("""{"kind":"files","container":"other-box"}"""));

        // Assert
        Assert.Equal("other-box", result.Value!.Destination!.Container);
        Assert.Equal("other-box", (await Store.GetShareAsync(_tenant, share.Id))!.Destination!.Container);
    }

    [Fact]
    public async Task DeleteShareAsync_TransferActive_IsConflictAndKeepsTheShare()
    {
        // Arrange
        var share = await CreateShareAsync();
        var transfer = (await Service.CreateTransferAsync(share, FilesTransfer(transferNow: true))).Value!;

        // Act
        var result = await Service.DeleteShareAsync(_tenant, share.Id);

        // Assert
        Assert.Equal(ServiceOutcome.Conflict, result.Outcome);
        Assert.Equal($"The share has an active transfer '{transfer.Id}' (sending); cancel it first.", result.Message);
        Assert.NotNull(await Store.GetShareAsync(_tenant, share.Id));
    }

    [Fact]
    public async Task DeleteShareAsync_NoActiveTransfer_DeletesItSoASecondDeleteIsNotFound()
    {
        // Arrange
        var share = await CreateShareAsync();
        await CreatedTransferAsync(share);

        // Act
        var deleted = await Service.DeleteShareAsync(_tenant, share.Id);
        var again = await Service.DeleteShareAsync(_tenant, share.Id);

        // Assert
        Assert.True(deleted.IsOk);
        Assert.Equal(ServiceOutcome.NotFound, again.Outcome);
        Assert.Null(await Store.GetShareAsync(_tenant, share.Id));
    }

    [Fact]
    public async Task IssueCredentialsAsync_FilesDestination_IsConflictNamingTheKind()
    {
        // Arrange
        var share = await CreateShareAsync();

        // Act
        var result = await Service.IssueCredentialsAsync(_tenant, share.Id);

        // Assert
        Assert.Equal(ServiceOutcome.Conflict, result.Status.Outcome);
        Assert.Equal("Credentials are issued for a postgres destination only; this share has a files destination.", result.Status.Message);
    }

    private static string Describe(ServiceResult result) =>
        $"{result.Outcome} {result.Message} " + string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Message}"));

    private static JsonElement Body(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static JsonElement FilesTransfer(bool transferNow = false, string path = "a/") =>
        Body($$$"""{"transferEntity":{"type":"files","pathNames":["{{{path}}}"]},"options":{"transferNow":{{{(transferNow ? "true" : "false")}}}}}""");

    private async Task<Share> CreateShareAsync()
    {
        var created = await Service.CreateShareAsync(_tenant, Body(FilesShare));
        Assert.True(created.IsOk, Describe(created.Status));
        return created.Value!;
    }

    private async Task<ShareTransfer> CreatedTransferAsync(Share share)
    {
        var created = await Service.CreateTransferAsync(share, FilesTransfer());
        Assert.True(created.IsOk, Describe(created.Status));
        return created.Value!;
    }

    /// <summary>A transfer started and then paused, with the calls that took it there forgotten.</summary>
    private async Task<(Share Share, ShareTransfer Transfer)> PausedTransferAsync()
    {
        var share = await CreateShareAsync();
        var transfer = (await Service.CreateTransferAsync(share, FilesTransfer(transferNow: true))).Value!;
        var paused = (await Service.PauseTransferAsync(_tenant, share.Id, transfer.Id)).Value!;
        _calls.Clear();
        _inputs.Clear();
        return (share, paused);
    }
}
