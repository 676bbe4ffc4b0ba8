using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Core.Exports;
using Transfers.Core.Ownership;
using Transfers.Core.Reconciliation;
using Transfers.Core.Security;
using Transfers.Core.Shares;
using Transfers.Core.Telemetry;
using Transfers.Testing;

namespace Transfers.Api.Tests;

/// <summary>
/// Divergences between records and orchestrations made on purpose, each brought into agreement by one reconciler pass
/// driven directly. Records are written through the families' stores, as a start, submit or invitation writes them.
/// </summary>
public sealed class ReconcilerTests(ReconcilerTests.Factory factory) : IClassFixture<ReconcilerTests.Factory>
{
    [Fact]
    public async Task ReconcileOnce_ShareOrchestrationFailedPastItsRetries_RecordFailsWithTheFailureAndTheRepairIsCounted()
    {
        // Arrange: a synced transfer whose orchestration ran an activity that failed on every attempt
        var transfer = await AddShareTransferAsync(ShareTransferStatus.Synced);
        var durable = Durable();
        var instanceId = ShareSyncOrchestration.InstanceId(transfer.Id);
        await durable.ScheduleNewOrchestrationInstanceAsync(nameof(FailsPastRetries), "the source account is gone", new StartOrchestrationOptions(instanceId));
        var failed = await durable.WaitForInstanceCompletionAsync(instanceId);
        using var repairs = new RepairRecorder();

        // Act
        var report = await PassAsync([transfer.Id]);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Equal(new ReconcileReport(1, 1, 0), report);
        var stored = await factory.Services.GetRequiredService<ShareStore>().GetTransferAsync(transfer.ShareId, transfer.Id);
        Assert.Equal(ShareTransferStatus.Failed, stored!.Status);
        Assert.Null(stored.NextSyncAt);
        Assert.Contains("Its orchestration failed", stored.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("the source account is gone", stored.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains(("shares", "failed"), repairs.Seen);
    }

    [Fact]
    public async Task ReconcileOnce_ApiChangesTheRecordDuringThePass_ChangeIsKeptAndTheNextPassRepairs()
    {
        // Arrange: a synced transfer whose orchestration an operator terminated
        var transfer = await AddShareTransferAsync(ShareTransferStatus.Synced);
        var store = factory.Services.GetRequiredService<ShareStore>();
        var instanceId = await TerminatedAsync(ShareSyncOrchestration.InstanceId(transfer.Id), "operator stopped it");

        // Act: the client pauses the transfer after the pass listed it and before it repairs it
        var first = await PassAsync([transfer.Id], beforeRepair: () => store.UpdateTransferAsync(transfer.ShareId, transfer.Id, t => t with { Status = ShareTransferStatus.Paused }));
        var paused = await store.GetTransferAsync(transfer.ShareId, transfer.Id);
        var second = await PassAsync([transfer.Id]);

        // Assert: the pause is not overwritten; the next pass, seeing a paused record with no live orchestration, fails it
        Assert.Equal(new ReconcileReport(1, 0, 1), first);
        Assert.Equal(ShareTransferStatus.Paused, paused!.Status);
        Assert.Empty(paused.Errors);
        Assert.Equal(new ReconcileReport(1, 1, 0), second);
        var stored = await store.GetTransferAsync(transfer.ShareId, transfer.Id);
        Assert.Equal(ShareTransferStatus.Failed, stored!.Status);
        Assert.Contains("terminated (reason: operator stopped it)", stored.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await Durable().GetInstanceAsync(instanceId))!.RuntimeStatus);
    }

    [Fact]
    public async Task ReconcileOnce_RecordInItsGracePeriod_IsLeftToTheStartThatWroteIt()
    {
        // Arrange: a transfer just written, whose start is about to schedule its orchestration
        var transfer = await AddShareTransferAsync(ShareTransferStatus.Sending);

        // Act
        var report = await PassAsync([transfer.Id], grace: TimeSpan.FromMinutes(10));

        // Assert
        Assert.Equal(new ReconcileReport(0, 0, 0), report);
        Assert.Null(await Durable().GetInstanceAsync(ShareSyncOrchestration.InstanceId(transfer.Id)));
    }

    [Fact]
    public async Task ReconcileOnce_ExportSubmittedWithoutItsOrchestration_SchedulesItAndItRunsToTheEnd()
    {
        // Arrange: what a host stopped between a submit's record and its schedule leaves (the destination is gone too,
        // so the orchestration, once it runs, ends the transfer at once)
        var (tenant, transfer) = await SubmitExportAsync();

        // Act
        var report = await PassAsync([transfer.Id]);
        var again = await PassAsync([transfer.Id]);

        // Assert: scheduled once; the orchestration ran and recorded the end
        Assert.Equal(new ReconcileReport(1, 1, 0), report);
        Assert.Equal(0, again.Repaired);
        var instance = await Durable().WaitForInstanceCompletionAsync(ExportTransferOrchestration.InstanceId(transfer.Id));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        var stored = await factory.Services.GetRequiredService<ExportTransferStore>().GetAsync(tenant, transfer.Id);
        Assert.Equal(ExportStatus.Error, stored!.Status);
        Assert.Equal("The destination no longer exists.", stored.Error);
    }

    [Fact]
    public async Task ReconcileOnce_ExportOrchestrationCompletedWithoutTheRecord_EndsTheRecordWithItsOutput()
    {
        // Arrange: an orchestration under the transfer's id that ended (ERROR) without recording it on this transfer
        var (tenant, transfer) = await SubmitExportAsync();
        var instanceId = ExportTransferOrchestration.InstanceId(transfer.Id);
        await Durable().ScheduleNewOrchestrationInstanceAsync(
            nameof(ExportTransferOrchestration), new ExportTransferInput(Azurite.UniqueName("other"), transfer.Id), new StartOrchestrationOptions(instanceId));
        var completed = await Durable().WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true);

        // Act
        var report = await PassAsync([transfer.Id]);

        // Assert
        Assert.Equal("\"ERROR\"", completed.SerializedOutput);
        Assert.Equal(new ReconcileReport(1, 1, 0), report);
        var stored = await factory.Services.GetRequiredService<ExportTransferStore>().GetAsync(tenant, transfer.Id);
        Assert.Equal(ExportStatus.Error, stored!.Status);
        Assert.NotNull(stored.EndedAt);
    }

    [Fact]
    public async Task ReconcileOnce_ExportOrchestrationTerminated_EndsTheTransferErrorNamingTheTermination()
    {
        // Arrange
        var (tenant, transfer) = await SubmitExportAsync();
        await TerminatedAsync(ExportTransferOrchestration.InstanceId(transfer.Id), "maintenance");

        // Act
        var report = await PassAsync([transfer.Id]);

        // Assert
        Assert.Equal(new ReconcileReport(1, 1, 0), report);
        var stored = await factory.Services.GetRequiredService<ExportTransferStore>().GetAsync(tenant, transfer.Id);
        Assert.Equal(ExportStatus.Error, stored!.Status);
        Assert.Equal("The transfer stopped. Its orchestration was terminated (reason: maintenance).", stored.Error);
    }

    [Fact]
    public async Task ReconcileOnce_InvitationWithoutItsOrchestrationThenTerminated_SchedulesItThenFailsItAndFreesItsIntegration()
    {
        // Arrange: an invitation recorded (its integration locked) with no orchestration
        var transfers = factory.Services.GetRequiredService<OwnershipTransferStore>();
        var invitation = NewInvitation(OwnershipTransferStatus.Unapproved, "i1");
        Assert.Null(await transfers.CreateAsync(invitation, [new TransferResourceRef(ResourceCollections.Integrations, "i1", null)]));
        var instanceId = OwnershipTransferOrchestration.InstanceIdFor(invitation.Id);

        // Act: the first pass schedules it; then an operator terminates it and the next pass fails the transfer
        var scheduled = await PassAsync([invitation.Id]);
        var running = await Durable().GetInstanceAsync(instanceId);
        await TerminateAsync(instanceId, "operator");
        var failed = await PassAsync([invitation.Id]);

        // Assert
        Assert.Equal(new ReconcileReport(1, 1, 0), scheduled);
        Assert.True(running!.IsRunning);
        Assert.Equal(new ReconcileReport(1, 1, 0), failed);
        var stored = await transfers.GetAsync(invitation.Id);
        Assert.Equal(OwnershipTransferStatus.Failed, stored!.Status);
        var error = Assert.Single(await transfers.GetErrorsAsync(invitation.Id));
        Assert.Equal("transfer_failed", error.Code);
        Assert.Contains("terminated (reason: operator)", error.Message, StringComparison.Ordinal);
        var locks = await factory.Services.GetRequiredService<OwnershipTables>().GetAsync(OwnershipTables.TransferLocks);
        Assert.False((await locks.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(invitation.OwnerId, "i1")).HasValue);
    }

    [Fact]
    public async Task ReconcileOnce_AcceptedTransferWithoutItsOrchestration_SchedulesItWithTheAcceptanceAndItEndsDone()
    {
        // Arrange: an accepted transfer (only standalone flows, none of them left) whose orchestration is gone
        var transfers = factory.Services.GetRequiredService<OwnershipTransferStore>();
        var accepted = NewInvitation(OwnershipTransferStatus.Queued, ResourceCollections.Standalone) with { Accepted = true };
        Assert.Null(await transfers.CreateAsync(accepted, [new TransferResourceRef(ResourceCollections.Integrations, ResourceCollections.Standalone, null)]));

        // Act
        var report = await PassAsync([accepted.Id]);
        var done = await Eventually.MatchAsync(() => transfers.GetAsync(accepted.Id), t => t!.IsClosed, TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(new ReconcileReport(1, 1, 0), report);
        Assert.Equal(OwnershipTransferStatus.Done, done!.Status);
    }

    private IDurableClient Durable() => factory.Services.GetRequiredService<IDurableClient>();

    private Task<ReconcileReport> PassAsync(IReadOnlyCollection<string> recordIds, Func<Task>? beforeRepair = null, TimeSpan? grace = null) =>
        ReconcilePass.RunAsync(factory.Services, recordIds, beforeRepair, grace);

    /// <summary>Schedules a waiting orchestration under <paramref name="instanceId"/> and terminates it.</summary>
    private async Task<string> TerminatedAsync(string instanceId, string reason)
    {
        await Durable().ScheduleNewOrchestrationInstanceAsync(nameof(WaitsForever), null, new StartOrchestrationOptions(instanceId));
        await TerminateAsync(instanceId, reason);
        return instanceId;
    }

    private async Task TerminateAsync(string instanceId, string reason)
    {
        await Durable().TerminateInstanceAsync(instanceId, reason);
        var ended = await Durable().WaitForInstanceCompletionAsync(instanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, ended.RuntimeStatus);
    }

    private async Task<ShareTransfer> AddShareTransferAsync(string status)
    {
        var store = factory.Services.GetRequiredService<ShareStore>();
        var tenant = Azurite.UniqueName("t");
        var destination = new ShareDestination(ShareDestinationKinds.Files, null, Azurite.UniqueName("dst"), "consumer", null);
        var share = (await store.CreateShareAsync(tenant, "reconciled", new ShareSource(null, Azurite.UniqueName("src"), null), destination, maxShares: 1))!;
        var id = Secrets.NewId();
        var added = await store.AddTransferAsync(
            new ShareTransfer
            {
                Id = id,
                ShareId = share.Id,
                Tenant = tenant,
                Status = status,
                Contents = new ShareTransferContents(ShareDestinationKinds.Files, ["data"], null),
                CreatedAt = DateTimeOffset.UtcNow,
                StartedAt = DateTimeOffset.UtcNow,
                Destination = destination,
                StateKey = id,
            },
            maxLive: 50);
        return added.Transfer!;
    }

    private async Task<(string Tenant, ExportTransfer Transfer)> SubmitExportAsync()
    {
        var tenant = Azurite.UniqueName("t");
        var now = DateTimeOffset.UtcNow;
        var transfer = new ExportTransfer { Id = ExportTransfer.NewId(now), DestinationId = Azurite.UniqueName("gone"), Status = ExportStatus.Pending, SubmittedAt = now };
        await factory.Services.GetRequiredService<ExportTransferStore>().SubmitAsync(tenant, transfer, null, null);
        return (tenant, transfer);
    }

    private static OwnershipTransfer NewInvitation(string status, string integration)
    {
        var now = DateTimeOffset.UtcNow;
        return new OwnershipTransfer
        {
            Id = ObjectIds.NewId(now),
            OwnerId = ObjectIds.NewId(now),
            ToUserId = ObjectIds.NewId(now),
            Status = status,
            CreatedAt = now,
            LastModified = now,
            ExpiresAt = now.AddDays(1),
            IntegrationIds = [integration],
        };
    }

    /// <summary>Records the repairs counted on the reconciler's meter while it is alive.</summary>
    private sealed class RepairRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();

        public RepairRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == TransfersTelemetry.Name && instrument.Name == TransfersTelemetry.RepairsCounter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                string? family = null, action = null;
                foreach (var tag in tags)
                {
                    family = tag.Key == "family" ? tag.Value as string : family;
                    action = tag.Key == "action" ? tag.Value as string : action;
                }

                lock (Seen)
                {
                    Seen.Add((family, action));
                }
            });
            _listener.Start();
        }

        public List<(string? Family, string? Action)> Seen { get; } = [];

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Waits until terminated.</summary>
    public sealed class WaitsForever : Orchestrator<string?, string>
    {
        public override Task<string> RunAsync(IOrchestrationContext context, string? input) => context.WaitForExternalEvent<string>("never");
    }

    /// <summary>Calls an activity that fails on every one of its two attempts, and so fails.</summary>
    public sealed class FailsPastRetries : Orchestrator<string, string>
    {
        public override Task<string> RunAsync(IOrchestrationContext context, string input) =>
            context.CallActivityAsync<string>(nameof(AlwaysFails), input, new RetryPolicy(2, TimeSpan.FromMilliseconds(100)));
    }

    /// <summary>Fails with its input as the message.</summary>
    public sealed class AlwaysFails : Activity<string, string>
    {
        public override Task<string> RunAsync(ActivityContext context, string input, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException(input);
    }

    /// <summary>The local host in memory with its own task hub, the reconciler's timer off, and the test orchestrations.</summary>
    public sealed class Factory : WebApplicationFactory<Program>
    {
        private readonly string _hub = Azurite.UniqueName("rec");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = Azurite.ConnectionString,
                ["Transfers:AdminApiKey"] = TransfersApiFactory.AdminKey,
                ["Transfers:Reconcile:Enabled"] = "false",
                ["Transfers:Durable:HubName"] = _hub,
                ["Transfers:Durable:PollingIntervalMax"] = "00:00:00.500",
                ["Transfers:Exports:QueuePollInterval"] = "00:00:00.200",
                ["Transfers:Ownership:ActivityFirstRetryInterval"] = "00:00:00.200",
                ["Logging:LogLevel:Default"] = "Warning",
            }));
            builder.ConfigureServices(services => services.AddDurableTasks(r => r
                .AddOrchestrator<WaitsForever>()
                .AddOrchestrator<FailsPastRetries>()
                .AddActivity<AlwaysFails>()));
        }
    }
}
