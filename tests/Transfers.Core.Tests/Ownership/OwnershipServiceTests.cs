using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Transfers.Core.Application;
using Transfers.Core.DurableTask;
using Transfers.Core.Ownership;

namespace Transfers.Core.Tests.Ownership;

/// <summary>
/// The family's use cases without HTTP: the stores over the test Azurite, the durable client mocked, so each test
/// asserts what was scheduled and raised, in which order, and the result.
/// </summary>
public sealed class OwnershipServiceTests : IDisposable
{
    private readonly ServiceProvider _services = OwnershipStorage.Create();
    private readonly Mock<IDurableClient> _durable = new(MockBehavior.Strict);
    private readonly List<string> _calls = [];
    private readonly SettableClock _clock = new(DateTimeOffset.UtcNow);

    public OwnershipServiceTests()
    {
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync(nameof(OwnershipTransferOrchestration), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Callback<string, object?, StartOrchestrationOptions?, CancellationToken>((_, _, o, _) => _calls.Add($"schedule {o!.InstanceId}"))
            .ReturnsAsync((string _, object? _, StartOrchestrationOptions? o, CancellationToken _) => o!.InstanceId!);
        _durable.Setup(d => d.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, object?, CancellationToken>((id, name, _, _) => _calls.Add($"raise {id} {name}"))
            .Returns(Task.CompletedTask);
    }

    private OwnershipService Service => new(
        _services.GetRequiredService<UserStore>(),
        _services.GetRequiredService<ResourceStore>(),
        Transfers,
        _durable.Object,
        _clock,
        _services.GetRequiredService<IOptionsMonitor<OwnershipOptions>>());

    private OwnershipTransferStore Transfers => _services.GetRequiredService<OwnershipTransferStore>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task InviteAsync_OwnIntegration_RecordsUnapprovedTransferAndSchedulesItsOrchestration()
    {
        // Arrange
        var (owner, invitee, integration) = await OwnerWithIntegrationAsync();

        // Act
        var result = await Service.InviteAsync(owner.Id, invitee.Email, [integration.Id], account: false);

        // Assert
        Assert.True(result.IsOk);
        var transfer = result.Value!.Transfer;
        Assert.Equal(OwnershipTransferStatus.Unapproved, transfer.Status);
        Assert.Equal(invitee.Id, transfer.ToUserId);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromDays(7), transfer.ExpiresAt);
        Assert.Equal([new TransferResourceRef(ResourceCollections.Integrations, integration.Id, integration.Name)], result.Value.Resources);
        Assert.Equal(OwnershipTransferStatus.Unapproved, (await Transfers.GetAsync(transfer.Id))!.Status);
        Assert.Equal([$"schedule {OwnershipTransferOrchestration.InstanceIdFor(transfer.Id)}"], _calls);
        _durable.Verify(d => d.ScheduleNewOrchestrationInstanceAsync(
            nameof(OwnershipTransferOrchestration),
            It.Is<object?>(i => i is OwnershipTransferInput && ((OwnershipTransferInput)i).TransferId == transfer.Id && ((OwnershipTransferInput)i).ExpiresAtUtc == transfer.ExpiresAt.UtcDateTime),
            It.IsAny<StartOrchestrationOptions?>(),
            It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task InviteAsync_IntegrationInAnotherOpenTransfer_IsInvalidAlreadyInTransferAndSchedulesNothingMore()
    {
        // Arrange: a first invitation holds the integration
        var (owner, invitee, integration) = await OwnerWithIntegrationAsync();
        await Service.InviteAsync(owner.Id, invitee.Email, [integration.Id], account: false);
        _calls.Clear();

        // Act
        var result = await Service.InviteAsync(owner.Id, invitee.Email, [integration.Id], account: false);

        // Assert
        Assert.Equal(ServiceOutcome.Invalid, result.Status.Outcome);
        var error = Assert.Single(result.Status.Errors);
        Assert.Equal(("already_in_transfer", "_integrationIds"), (error.Code, error.Field));
        Assert.Contains(integration.Id, error.Message, StringComparison.Ordinal);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task InviteAsync_ScheduleFails_CancelsTheInvitationFreesItsIntegrationAndRethrows()
    {
        // Arrange
        var (owner, invitee, integration) = await OwnerWithIntegrationAsync();
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "storage unavailable"));

        // Act
        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => Service.InviteAsync(owner.Id, invitee.Email, [integration.Id], account: false));

        // Assert: the invitation is canceled and its lock on the integration gone
        Assert.Equal(503, failure.Status);
        var (listed, _) = await Transfers.ListAsync(OwnershipTransferStore.Outbound(owner.Id), null, 10);
        Assert.Equal(OwnershipTransferStatus.Canceled, Assert.Single(listed).Status);
        var locks = await _services.GetRequiredService<OwnershipTables>().GetAsync(OwnershipTables.TransferLocks);
        Assert.False((await locks.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(owner.Id, integration.Id)).HasValue);
    }

    [Fact]
    public async Task InviteAsync_NoUserWithTheAddress_IsNotFound()
    {
        // Arrange
        var (owner, _, integration) = await OwnerWithIntegrationAsync();

        // Act
        var result = await Service.InviteAsync(owner.Id, $"nobody-{ObjectIds.NewId()}@example.com", [integration.Id], account: false);

        // Assert
        Assert.Equal(ServiceOutcome.NotFound, result.Status.Outcome);
        Assert.StartsWith("No user with the e-mail address", result.Status.Message, StringComparison.Ordinal);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task PreviewAsync_IntegrationOfAnotherUser_IsInvalidRef()
    {
        // Arrange
        var (owner, invitee, _) = await OwnerWithIntegrationAsync();
        var (_, _, foreign) = await OwnerWithIntegrationAsync();

        // Act
        var result = await Service.PreviewAsync(owner.Id, [foreign.Id]);

        // Assert
        var error = Assert.Single(result.Status.Errors);
        Assert.Equal(("invalid_ref", "_integrationIds"), (error.Code, error.Field));
        Assert.Contains(foreign.Id, error.Message, StringComparison.Ordinal);
        Assert.NotEqual(owner.Id, invitee.Id);
    }

    [Fact]
    public async Task AcceptAsync_NoOrchestrationRunning_RecordsQueuedThenSchedulesThenRaisesAccepted()
    {
        // Arrange: the invitation is recorded, but its orchestration never started (the host stopped in between)
        var (owner, invitee, integration) = await OwnerWithIntegrationAsync();
        var transfer = NewTransfer(owner.Id, invitee.Id, integration.Id);
        await Transfers.CreateAsync(transfer, []);

        // Act
        var result = await Service.AcceptAsync(invitee.Id, transfer.Id);

        // Assert
        Assert.True(result.IsOk);
        var instance = OwnershipTransferOrchestration.InstanceIdFor(transfer.Id);
        Assert.Equal([$"schedule {instance}", $"raise {instance} {OwnershipEvents.Accepted}"], _calls);
        _durable.Verify(d => d.RaiseEventAsync(instance, OwnershipEvents.Accepted, new InviteAccepted(invitee.Id), It.IsAny<CancellationToken>()));
        var stored = await Transfers.GetAsync(transfer.Id);
        Assert.Equal((OwnershipTransferStatus.Queued, true), (stored!.Status, stored.Accepted));
    }

    [Fact]
    public async Task AcceptAsync_OrchestrationRunning_RaisesAcceptedOnIt()
    {
        // Arrange
        var (owner, invitee, integration) = await OwnerWithIntegrationAsync();
        var transfer = NewTransfer(owner.Id, invitee.Id, integration.Id);
        await Transfers.CreateAsync(transfer, []);
        var instance = OwnershipTransferOrchestration.InstanceIdFor(transfer.Id);
        _durable.Setup(d => d.ScheduleNewOrchestrationInstanceAsync(It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InstanceAlreadyExistsException(instance));

        // Act
        var result = await Service.AcceptAsync(invitee.Id, transfer.Id);

        // Assert
        Assert.True(result.IsOk);
        Assert.Equal([$"raise {instance} {OwnershipEvents.Accepted}"], _calls);
    }

    [Fact]
    public async Task CancelAsync_ByTheInvitee_IsInvalidOperationAndChangesNothing()
    {
        // Arrange
        var (owner, invitee, integration) = await OwnerWithIntegrationAsync();
        var transfer = NewTransfer(owner.Id, invitee.Id, integration.Id);
        await Transfers.CreateAsync(transfer, []);

        // Act
        var result = await Service.CancelAsync(invitee.Id, transfer.Id);

        // Assert
        var error = Assert.Single(result.Errors);
        Assert.Equal(("invalid_operation", "Only the user who sent the transfer can cancel it."), (error.Code, error.Message));
        Assert.Equal(OwnershipTransferStatus.Unapproved, (await Transfers.GetAsync(transfer.Id))!.Status);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task AcceptAsync_ByAThirdUser_IsNotFound()
    {
        // Arrange
        var (owner, invitee, integration) = await OwnerWithIntegrationAsync();
        var transfer = NewTransfer(owner.Id, invitee.Id, integration.Id);
        await Transfers.CreateAsync(transfer, []);

        // Act
        var result = await Service.AcceptAsync(ObjectIds.NewId(), transfer.Id);

        // Assert
        Assert.Equal(ServiceOutcome.NotFound, result.Outcome);
        Assert.Equal($"No transfer with id '{transfer.Id}' exists.", result.Message);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task DismissAsync_InvitationExpired_IsInvalidStateAndRaisesNothing()
    {
        // Arrange
        var (owner, invitee, integration) = await OwnerWithIntegrationAsync();
        var transfer = NewTransfer(owner.Id, invitee.Id, integration.Id);
        await Transfers.CreateAsync(transfer, []);
        _clock.Now = transfer.ExpiresAt.AddSeconds(1);

        // Act
        var result = await Service.DismissAsync(invitee.Id, transfer.Id);

        // Assert
        var error = Assert.Single(result.Errors);
        Assert.Equal("invalid_state", error.Code);
        Assert.Equal($"The invitation expired at {OwnershipText.Date(transfer.ExpiresAt)}; it can no longer be dismissed.", error.Message);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task DeleteAsync_OpenTransfer_IsInvalidStateAndKeepsIt()
    {
        // Arrange
        var (owner, invitee, integration) = await OwnerWithIntegrationAsync();
        var transfer = NewTransfer(owner.Id, invitee.Id, integration.Id);
        await Transfers.CreateAsync(transfer, []);

        // Act
        var result = await Service.DeleteAsync(owner.Id, transfer.Id);

        // Assert
        Assert.Equal("The transfer is unapproved; only done or canceled transfers can be deleted.", Assert.Single(result.Errors).Message);
        Assert.NotNull(await Transfers.GetAsync(transfer.Id));
    }

    [Fact]
    public async Task DeleteAsync_CanceledTransferByItsOwner_RemovesIt()
    {
        // Arrange
        var (owner, invitee, integration) = await OwnerWithIntegrationAsync();
        var transfer = NewTransfer(owner.Id, invitee.Id, integration.Id) with { Status = OwnershipTransferStatus.Canceled };
        await Transfers.CreateAsync(transfer, []);

        // Act
        var result = await Service.DeleteAsync(owner.Id, transfer.Id);

        // Assert
        Assert.True(result.IsOk);
        Assert.Null(await Transfers.GetAsync(transfer.Id));
    }

    [Theory]
    [InlineData(0, "invalid_value")]
    [InlineData(1001, "invalid_value")]
    public void CheckIntegrationIds_CountOutOfRange_IsInvalidValue(int count, string code)
    {
        // Arrange
        var values = Enumerable.Range(0, count).Select(_ => ObjectIds.NewId()).ToList();

        // Act
        var error = OwnershipService.CheckIntegrationIds(values, out var ids);

        // Assert
        Assert.Equal(code, error?.Code);
        Assert.Null(ids);
    }

    [Fact]
    public void CheckIntegrationIds_DuplicatesAndNone_KeepsEachOnceInOrder()
    {
        // Arrange
        var id = ObjectIds.NewId();

        // Act
        var error = OwnershipService.CheckIntegrationIds([id, ResourceCollections.Standalone, id], out var ids);

        // Assert
        Assert.Null(error);
        Assert.Equal([id, ResourceCollections.Standalone], ids);
    }

    [Fact]
    public async Task CreateResourceAsync_ReferenceToAnotherUsersResource_IsInvalidRefOnThatField()
    {
        // Arrange
        var (owner, _, _) = await OwnerWithIntegrationAsync();
        var (_, _, foreign) = await OwnerWithIntegrationAsync();
        var body = new System.Text.Json.Nodes.JsonObject { ["name"] = "a flow", ["_integrationId"] = foreign.Id };

        // Act
        var result = await Service.CreateResourceAsync(owner.Id, "flows", body);

        // Assert
        var error = Assert.Single(result.Status.Errors);
        Assert.Equal(("invalid_ref", "_integrationId"), (error.Code, error.Field));
    }

    private static OwnershipTransfer NewTransfer(string ownerId, string inviteeId, string integrationId)
    {
        var now = DateTimeOffset.UtcNow;
        return new OwnershipTransfer
        {
            Id = ObjectIds.NewId(),
            OwnerId = ownerId,
            ToUserId = inviteeId,
            Status = OwnershipTransferStatus.Unapproved,
            CreatedAt = now,
            LastModified = now,
            ExpiresAt = now.AddDays(7),
            IntegrationIds = [integrationId],
        };
    }

    private async Task<(OwnershipUser Owner, OwnershipUser Invitee, OwnedResource Integration)> OwnerWithIntegrationAsync()
    {
        var users = _services.GetRequiredService<UserStore>();
        var owner = (await users.CreateAsync($"owner-{ObjectIds.NewId()}@example.com", null))!.Value.User;
        var invitee = (await users.CreateAsync($"invitee-{ObjectIds.NewId()}@example.com", null))!.Value.User;
        var integration = OwnershipStorage.Resource(ResourceCollections.Integrations, owner.Id);
        await _services.GetRequiredService<ResourceStore>().AddAsync([integration]);
        return (owner, invitee, integration);
    }

    /// <summary>A clock the test sets.</summary>
    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
