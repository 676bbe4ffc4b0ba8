using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;
using Transfers.Core.Ownership;
using Transfers.Core.Reconciliation;

namespace Transfers.Core.Tests.Ownership;

/// <summary>The Ownership part of the reconciler on the test Azurite.</summary>
public sealed class OwnershipReconcilerTests : IDisposable
{
    private readonly ServiceProvider _services = OwnershipStorage.Create();

    [Theory]
    [InlineData("\"canceled\"", OwnershipTransferStatus.Canceled, 0)]
    [InlineData("\"done\"", OwnershipTransferStatus.Done, 0)]
    [InlineData("\"started\"", OwnershipTransferStatus.Failed, 1)]
    public async Task Finish_OrchestrationCompletedWhileOpen_ClosesWithItsOutputAndFreesTheIntegration(string output, string expected, int errors)
    {
        // Arrange: an open invitation whose orchestration completed (a cancel raised past the API, say)
        var (store, transfer, record) = await OpenAsync();
        var instance = new OrchestrationMetadata
        {
            Name = nameof(OwnershipTransferOrchestration),
            InstanceId = OwnershipTransferOrchestration.InstanceIdFor(transfer.Id),
            RuntimeStatus = OrchestrationRuntimeStatus.Completed,
            CreatedAt = transfer.CreatedAt,
            LastUpdatedAt = transfer.CreatedAt.AddMinutes(1),
            SerializedOutput = output,
        };

        // Act
        var finished = await Reconciler().FinishAsync(record, instance);

        // Assert: an output that is no closed state fails the transfer instead
        Assert.True(finished);
        var stored = await store.GetAsync(transfer.Id);
        Assert.Equal(expected, stored!.Status);
        Assert.Equal(expected == OwnershipTransferStatus.Done ? instance.LastUpdatedAt : null, stored.TransferredAt);
        Assert.Equal(errors, (await store.GetErrorsAsync(transfer.Id)).Count);
        var locks = await _services.GetRequiredService<OwnershipTables>().GetAsync(OwnershipTables.TransferLocks);
        Assert.False((await locks.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(transfer.OwnerId, "i1")).HasValue);
    }

    [Fact]
    public async Task Fail_RecordChangedSinceListed_WritesNothing()
    {
        // Arrange: the invitee accepts after the pass listed the invitation
        var (store, transfer, record) = await OpenAsync();
        await store.TryUpdateAsync(transfer.Id, t => t with { Status = OwnershipTransferStatus.Queued, Accepted = true });

        // Act
        var failed = await Reconciler().FailAsync(record, "Its orchestration was terminated (no reason given).");

        // Assert
        Assert.False(failed);
        Assert.Equal(OwnershipTransferStatus.Queued, (await store.GetAsync(transfer.Id))!.Status);
        Assert.Empty(await store.GetErrorsAsync(transfer.Id));
    }

    public void Dispose() => _services.Dispose();

    private OwnershipReconciler Reconciler() => _services.GetServices<FamilyReconciler>().OfType<OwnershipReconciler>().Single();

    /// <summary>An unapproved invitation holding integration <c>i1</c>, and its record as a pass lists it.</summary>
    private async Task<(OwnershipTransferStore Store, OwnershipTransfer Transfer, ActiveRecord Record)> OpenAsync()
    {
        var store = _services.GetRequiredService<OwnershipTransferStore>();
        var now = DateTimeOffset.UtcNow;
        var transfer = new OwnershipTransfer
        {
            Id = ObjectIds.NewId(now),
            OwnerId = ObjectIds.NewId(now),
            ToUserId = ObjectIds.NewId(now),
            Status = OwnershipTransferStatus.Unapproved,
            CreatedAt = now,
            LastModified = now,
            ExpiresAt = now.AddDays(1),
            IntegrationIds = ["i1"],
        };
        Assert.Null(await store.CreateAsync(transfer, [new TransferResourceRef(ResourceCollections.Integrations, "i1", null)]));
        await foreach (var page in store.ListOpenAsync(1000))
        {
            if (page.FirstOrDefault(r => r.PartitionKey == transfer.Id) is { } record)
            {
                return (store, transfer, record);
            }
        }

        throw new InvalidOperationException("The open invitation was not listed.");
    }
}
