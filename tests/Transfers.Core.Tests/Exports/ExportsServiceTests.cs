using Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Transfers.Core.Application;
using Transfers.Core.DurableTask;
using Transfers.Core.Exports;
using Transfers.Core.Storage;
using Transfers.Core.Tenants;
using Transfers.Testing;

namespace Transfers.Core.Tests.Exports;

/// <summary>
/// The family's use cases without HTTP: the stores over the test Azurite, the durable client mocked (strict, so a
/// use case that must schedule nothing fails when it does), and a clock the test sets.
/// </summary>
public sealed class ExportsServiceTests : IDisposable
{
    private readonly string _tenant = Azurite.UniqueName("t");
    private readonly ServiceProvider _services;
    private readonly Mock<IDurableClient> _durable = new(MockBehavior.Strict);
    private readonly List<string> _scheduled = [];
    private readonly SettableClock _clock = new(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));

    public ExportsServiceTests()
    {
        // The tenant may use the host's own account, as a settings grant gives it.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            [$"{ConnectionGrantStore.SettingsSection}:{_tenant}:{StorageConnections.DefaultName}"] = "*",
        }).Build();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddTransfersCore()
            .BuildServiceProvider();
    }

    private ExportsService Service => new(
        _services.GetRequiredService<ExportModelStore>(),
        _services.GetRequiredService<ExportDestinationStore>(),
        Transfers,
        _services.GetRequiredService<ExportDebugLog>(),
        _services.GetRequiredService<StorageAccessPolicy>(),
        _durable.Object,
        _clock);

    private ExportTransferStore Transfers => _services.GetRequiredService<ExportTransferStore>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task SubmitTransferAsync_ValidRequest_RecordsPendingTransferBeforeSchedulingItsOrchestration()
    {
        // Arrange: the schedule looks for the record, which must exist by then
        var destination = await DestinationAsync();
        ExportTransfer? recordedWhenScheduled = null;
        ScheduleSucceeds(async (_, o) => recordedWhenScheduled = await Transfers.GetAsync(_tenant, o.InstanceId!["exports-".Length..]));

        // Act
        var result = await Service.SubmitTransferAsync(_tenant, destination.Id, Request(tags: new Dictionary<string, string> { ["team"] = "data-1" }));

        // Assert
        Assert.True(result.IsOk);
        var submission = result.Value!;
        Assert.True(submission.Scheduled);
        Assert.Equal(_clock.Now, submission.Transfer.SubmittedAt);
        Assert.Equal([ExportTransferOrchestration.InstanceId(submission.Transfer.Id)], _scheduled);
        Assert.Equal(ExportStatus.Pending, recordedWhenScheduled?.Status);
        Assert.Equal("data-1", recordedWhenScheduled!.Tags["team"]);
        _durable.Verify(d => d.ScheduleNewOrchestrationInstanceAsync(
            nameof(ExportTransferOrchestration),
            It.Is<object?>(i => i is ExportTransferInput && ((ExportTransferInput)i).Tenant == _tenant && ((ExportTransferInput)i).TransferId == submission.Transfer.Id),
            It.IsAny<StartOrchestrationOptions?>(),
            It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task SubmitTransferAsync_ScheduleFails_EndsTheTransferInErrorAndReportsItNotScheduled()
    {
        // Arrange
        var destination = await DestinationAsync();
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "storage unavailable"));
        _clock.Now += TimeSpan.FromSeconds(1);

        // Act
        var result = await Service.SubmitTransferAsync(_tenant, destination.Id, Request());

        // Assert
        Assert.True(result.IsOk);
        Assert.False(result.Value!.Scheduled);
        var stored = await Transfers.GetAsync(_tenant, result.Value.Transfer.Id);
        Assert.Equal(ExportStatus.Error, stored!.Status);
        Assert.Equal("The transfer could not be scheduled.", stored.Error);
        Assert.Equal(_clock.Now, stored.EndedAt);
    }

    [Fact]
    public async Task SubmitTransferAsync_ScheduleFailsAfterTheOrchestrationClaimedIt_LeavesItRunningAndReportsItScheduled()
    {
        // Arrange: the schedule got through (the orchestration claims the transfer), yet its answer is an error
        var destination = await DestinationAsync();
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, object? input, StartOrchestrationOptions? _, CancellationToken cancellationToken) =>
            {
                await Transfers.ClaimAsync(_tenant, ((ExportTransferInput)input!).TransferId, _clock.Now, cancellationToken);
                throw new TimeoutException("no answer");
            });

        // Act
        var result = await Service.SubmitTransferAsync(_tenant, destination.Id, Request());

        // Assert
        Assert.True(result.Value!.Scheduled);
        Assert.Equal(ExportStatus.Pending, (await Transfers.GetAsync(_tenant, result.Value.Transfer.Id))!.Status);
    }

    [Fact]
    public async Task SubmitTransferAsync_InstanceAlreadyRuns_CountsAsScheduled()
    {
        // Arrange
        var destination = await DestinationAsync();
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InstanceAlreadyExistsException("exports-x"));

        // Act
        var result = await Service.SubmitTransferAsync(_tenant, destination.Id, Request());

        // Assert
        Assert.True(result.Value!.Scheduled);
        Assert.Equal(ExportStatus.Pending, (await Transfers.GetAsync(_tenant, result.Value.Transfer.Id))!.Status);
    }

    [Fact]
    public async Task SubmitTransferAsync_WindowEndsAfterNow_IsInvalidAndRecordsNothing()
    {
        // Arrange
        var destination = await DestinationAsync();

        // Act
        var result = await Service.SubmitTransferAsync(_tenant, destination.Id, Request(end: _clock.Now.AddTicks(1)));

        // Assert
        AssertInvalid(result.Status, "end_transfer_window_at must not be in the future");
        await AssertNoTransfersAsync();
    }

    [Fact]
    public async Task SubmitTransferAsync_WindowStartNotBeforeNow_IsInvalidAndRecordsNothing()
    {
        // Arrange
        var destination = await DestinationAsync();

        // Act
        var result = await Service.SubmitTransferAsync(_tenant, destination.Id, Request(start: _clock.Now));

        // Assert
        AssertInvalid(result.Status, "start_transfer_window_at must be before end_transfer_window_at");
        await AssertNoTransfersAsync();
    }

    [Fact]
    public async Task SubmitTransferAsync_TagWithASpace_IsInvalidNamingTheTag()
    {
        // Arrange
        var destination = await DestinationAsync();

        // Act
        var result = await Service.SubmitTransferAsync(_tenant, destination.Id, Request(tags: new Dictionary<string, string> { ["team"] = "data team" }));

        // Assert
        AssertInvalid(result.Status, "Tag 'team': keys and values must be");
        await AssertNoTransfersAsync();
    }

    [Fact]
    public async Task SubmitTransferAsync_TooManyTags_IsInvalid()
    {
        // Arrange
        var destination = await DestinationAsync();
        var tags = Enumerable.Range(0, ExportLimits.MaxTags + 1).ToDictionary(i => $"k{i}", i => "v");

        // Act
        var result = await Service.SubmitTransferAsync(_tenant, destination.Id, Request(tags: tags));

        // Assert
        AssertInvalid(result.Status, $"tags may hold at most {ExportLimits.MaxTags} tags.");
    }

    [Fact]
    public async Task SubmitTransferAsync_UnknownDestination_IsNotFound()
    {
        // Act
        var result = await Service.SubmitTransferAsync(_tenant, ExportDestination.NewId(), Request());

        // Assert
        Assert.Equal(ServiceOutcome.NotFound, result.Status.Outcome);
        Assert.StartsWith("Destination 'dst_", result.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitTransferAsync_ModelNotEnabledForTheDestination_IsInvalid()
    {
        // Arrange: the destination receives only orders; items exists too
        await ModelAsync("orders");
        await ModelAsync("items");
        var destination = await DestinationAsync(enabled: ["orders"]);

        // Act
        var notEnabled = await Service.SubmitTransferAsync(_tenant, destination.Id, Request(models: ["items"]));
        var unknown = await Service.SubmitTransferAsync(_tenant, destination.Id, Request(models: ["nope"]));

        // Assert
        AssertInvalid(notEnabled.Status, "Model 'items' is not enabled for this destination.");
        AssertInvalid(unknown.Status, "Unknown model 'nope'.");
        await AssertNoTransfersAsync();
    }

    [Fact]
    public async Task ListTransfersAsync_NextPageToken_ReadsTheNextPageAndOnlyForItsTenant()
    {
        // Arrange: three transfers, two per page
        ScheduleSucceeds();
        var destination = await DestinationAsync();
        for (var i = 0; i < 3; i++)
        {
            _clock.Now += TimeSpan.FromSeconds(1);
            await Service.SubmitTransferAsync(_tenant, destination.Id, Request());
        }

        var filter = new ExportTransferFilter(null, null, null);

        // Act
        var first = await Service.ListTransfersAsync(_tenant, filter, 2, null);
        var second = await Service.ListTransfersAsync(_tenant, filter, 2, first.Value!.NextPageToken);
        var otherTenant = await Service.ListTransfersAsync(Azurite.UniqueName("t"), filter, 2, first.Value.NextPageToken);

        // Assert
        Assert.Equal(2, first.Value.Transfers.Count);
        Assert.Single(second.Value!.Transfers);
        Assert.Null(second.Value.NextPageToken);
        Assert.DoesNotContain(second.Value.Transfers[0].Id, first.Value.Transfers.Select(t => t.Id));
        AssertInvalid(otherTenant.Status, "page_token is not valid.");
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("eyJhIjoxfQ")]
    public async Task ListTransfersAsync_TokenNotIssuedHere_IsInvalid(string token)
    {
        // Act
        var result = await Service.ListTransfersAsync(_tenant, new ExportTransferFilter(null, null, null), 10, token);

        // Assert
        AssertInvalid(result.Status, "page_token is not valid.");
    }

    [Fact]
    public async Task CancelTransferAsync_UnclaimedTransfer_EndsItCancelledAtTheClocksTime()
    {
        // Arrange
        ScheduleSucceeds();
        var destination = await DestinationAsync();
        var submitted = await Service.SubmitTransferAsync(_tenant, destination.Id, Request());
        _clock.Now += TimeSpan.FromMinutes(1);

        // Act
        var result = await Service.CancelTransferAsync(_tenant, submitted.Value!.Transfer.Id);

        // Assert
        Assert.Equal(ExportCancelOutcome.Cancelled, result.Value!.Outcome);
        Assert.Equal(ExportStatus.Cancelled, result.Value.Transfer!.Status);
        Assert.Equal(_clock.Now, result.Value.Transfer.EndedAt);
    }

    [Fact]
    public async Task CancelTransferAsync_EndedOrUnknownTransfer_IsConflictOrNotFound()
    {
        // Arrange
        ScheduleSucceeds();
        var destination = await DestinationAsync();
        var submitted = await Service.SubmitTransferAsync(_tenant, destination.Id, Request());
        var id = submitted.Value!.Transfer.Id;
        await Service.CancelTransferAsync(_tenant, id);

        // Act
        var again = await Service.CancelTransferAsync(_tenant, id);
        var unknown = await Service.CancelTransferAsync(_tenant, ExportTransfer.NewId(_clock.Now));

        // Assert
        Assert.Equal(ServiceOutcome.Conflict, again.Status.Outcome);
        Assert.Equal($"Transfer '{id}' already ended with status {ExportStatus.Cancelled}.", again.Status.Message);
        Assert.Equal(ServiceOutcome.NotFound, unknown.Status.Outcome);
    }

    [Fact]
    public async Task CreateModelAsync_NewName_SavesItStampedWithTheClock()
    {
        // Act
        var result = await Service.CreateModelAsync(_tenant, new ExportModel("orders", "srcorders", StorageConnections.DefaultName, ["id"], "updated_at", null, default));

        // Assert
        Assert.True(result.IsOk);
        Assert.Equal(_clock.Now, result.Value!.CreatedAt);
        Assert.Equal(_clock.Now, (await Service.GetModelAsync(_tenant, "orders")).Value!.CreatedAt);
    }

    [Fact]
    public async Task CreateModelAsync_SameTableNameAsAnotherModel_IsConflictNamingIt()
    {
        // Arrange: table names leave out underscores and ignore case
        await ModelAsync("order_items");

        // Act
        var same = await Service.CreateModelAsync(_tenant, Model("order_items"));
        var clash = await Service.CreateModelAsync(_tenant, Model("OrderItems"));

        // Assert
        Assert.Equal((ServiceOutcome.Conflict, "A model named 'order_items' already exists."), (same.Status.Outcome, same.Status.Message));
        Assert.Equal(ServiceOutcome.Conflict, clash.Status.Outcome);
        Assert.Contains("as model 'order_items'", clash.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDestinationAsync_Valid_AssignsANewIdAndTheClocksTimes()
    {
        // Act
        var result = await Service.CreateDestinationAsync(_tenant, Destination());

        // Assert
        Assert.True(result.IsOk);
        Assert.True(ExportDestination.IsWellFormedId(result.Value!.Id));
        Assert.Equal((_clock.Now, _clock.Now), (result.Value.CreatedAt, result.Value.UpdatedAt));
        Assert.Equal(result.Value, (await Service.GetDestinationAsync(_tenant, result.Value.Id)).Value);
    }

    [Fact]
    public async Task CreateDestinationAsync_EnablesAnUnknownModel_IsInvalidAndSavesNothing()
    {
        // Act
        var result = await Service.CreateDestinationAsync(_tenant, Destination(enabled: ["ghost"]));

        // Assert
        AssertInvalid(result.Status, "enabled_models: unknown model 'ghost'.");
        Assert.Empty(await Service.ListDestinationsAsync(_tenant));
    }

    [Fact]
    public async Task UpdateDestinationAsync_EnabledModelsNotChanged_SavesAlthoughOneWasDeleted()
    {
        // Arrange: the destination enables a model deleted since
        await ModelAsync("orders");
        var destination = await DestinationAsync(enabled: ["orders"]);
        await Service.DeleteModelAsync(_tenant, "orders");
        _clock.Now += TimeSpan.FromHours(1);

        // Act
        var renamed = await Service.UpdateDestinationAsync(_tenant, destination with { Name = "renamed" }, enabledModelsChanged: false);
        var reEnabled = await Service.UpdateDestinationAsync(_tenant, destination, enabledModelsChanged: true);

        // Assert
        Assert.True(renamed.IsOk);
        Assert.Equal(("renamed", _clock.Now), (renamed.Value!.Name, renamed.Value.UpdatedAt));
        AssertInvalid(reEnabled.Status, "enabled_models: unknown model 'orders'.");
    }

    [Fact]
    public async Task GetTransferLogAsync_TransferNotInDebugMode_HasNoEntries()
    {
        // Arrange
        ScheduleSucceeds();
        var destination = await DestinationAsync();
        var submitted = await Service.SubmitTransferAsync(_tenant, destination.Id, Request());

        // Act
        var log = await Service.GetTransferLogAsync(_tenant, submitted.Value!.Transfer.Id);
        var unknown = await Service.GetTransferLogAsync(_tenant, ExportTransfer.NewId(_clock.Now));

        // Assert
        Assert.False(log.Value!.Transfer.IsDebugMode);
        Assert.Empty(log.Value.Entries);
        Assert.Equal(ServiceOutcome.NotFound, unknown.Status.Outcome);
    }

    private static ExportModel Model(string name) => new(name, "srcorders", StorageConnections.DefaultName, ["id"], "updated_at", null, default);

    private static ExportDestination Destination(IReadOnlyList<string>? enabled = null) => new(
        string.Empty, "lake", ExportVendors.AzureBlobStorage, StorageConnections.DefaultName, "exports", null, null, null, "jsonl", "gzip", enabled, default, default);

    private static ExportTransferRequest Request(
        IReadOnlyList<string>? models = null, DateTimeOffset? start = null, DateTimeOffset? end = null, IReadOnlyDictionary<string, string>? tags = null) =>
        new(false, false, models ?? [], start, end, tags ?? new Dictionary<string, string>());

    private static void AssertInvalid(ServiceResult result, string message)
    {
        Assert.Equal(ServiceOutcome.Invalid, result.Outcome);
        Assert.StartsWith(message, Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    private async Task AssertNoTransfersAsync() =>
        Assert.Empty((await Transfers.ListAsync(_tenant, new ExportTransferFilter(null, null, null), 10, null)).Transfers);

    private async Task ModelAsync(string name) => Assert.True((await Service.CreateModelAsync(_tenant, Model(name))).IsOk);

    private async Task<ExportDestination> DestinationAsync(IReadOnlyList<string>? enabled = null)
    {
        var created = await Service.CreateDestinationAsync(_tenant, Destination(enabled));
        Assert.True(created.IsOk, created.Status.Errors.Count > 0 ? created.Status.Errors[0].Message : created.Status.Message);
        return created.Value!;
    }

    private void ScheduleSucceeds(Func<object?, StartOrchestrationOptions, Task>? onSchedule = null) =>
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync(nameof(ExportTransferOrchestration), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Returns(async (string _, object? input, StartOrchestrationOptions? options, CancellationToken _) =>
            {
                _scheduled.Add(options!.InstanceId!);
                if (onSchedule is not null)
                {
                    await onSchedule(input, options);
                }

                return options.InstanceId!;
            });

    /// <summary>A clock the test sets.</summary>
    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
