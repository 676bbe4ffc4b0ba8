using Transfers.Core.DurableTask;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

/// <summary>The tests, run on both backends by the derived classes (Durable Task is the reference).</summary>
public abstract class ExternalEventTests(EngineHost host)
{
    private readonly EngineHost _host = host;

    [Fact]
    public async Task RaiseEvent_BeforeAnyoneWaits_IsBufferedAndDelivered()
    {
        // Arrange
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventAfterActivity), "approval");

        // Act: raised while the orchestration still runs its activity.
        await _host.Client.RaiseEventAsync(id, "approval", "early");
        var result = await _host.WaitAsync(id);

        // Assert
        Assert.Equal("early", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task RaiseEvent_NameInOtherCase_IsDelivered()
    {
        // Arrange
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EventWaiter), "Approval");
        await _host.StatusAsync(id, OrchestrationRuntimeStatus.Running);

        // Act
        await _host.Client.RaiseEventAsync(id, "APPROVAL", "yes");
        var result = await _host.WaitAsync(id);

        // Assert
        Assert.Equal("yes", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_CancelledWaiter_NeverConsumesLaterEvent()
    {
        // Arrange: the first wait is cancelled when a short timer wins.
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CancelledWaiter));
        await Eventually.MatchAsync(async () => await _host.Client.GetInstanceAsync(id, true), m => m?.ReadCustomStatusAs<string>() == "ready");

        // Act
        await _host.Client.RaiseEventAsync(id, "x", "later");
        var result = await _host.WaitAsync(id);

        // Assert: the second waiter got the event; the first ended cancelled.
        Assert.Equal($"{TaskStatus.Canceled}:later", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_TimerWinsWhenNoEvent_ReturnsTimeout()
    {
        // Act
        var result = await _host.RunAsync(nameof(ApprovalWithTimeout), 500);

        // Assert
        Assert.Equal("timeout", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_EventBeforeTimeout_CancelsTimerAndCompletesAtOnce()
    {
        // Arrange: a timeout far longer than the test.
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), 600_000);
        await _host.StatusAsync(id, OrchestrationRuntimeStatus.Running);

        // Act
        await _host.Client.RaiseEventAsync(id, "approval", "ok");
        var result = await _host.WaitAsync(id, timeoutSeconds: 30);

        // Assert
        Assert.Equal("approved:ok", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_CancelledByItsToken_IsCanceledAsSoonAsCancelReturns()
    {
        // Act
        var result = await _host.RunAsync(nameof(CancelAndPeek));

        // Assert: as on Durable Task, where code that reads a waiter's state right after cancelling it sees it done.
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("True|True", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task RaiseEvent_UnknownInstance_ThrowsInstanceNotFound()
    {
        await Assert.ThrowsAsync<InstanceNotFoundException>(() => _host.Client.RaiseEventAsync("no-such-instance", "x"));
    }
}

/// <summary>ExternalEventTests on the embedded engine.</summary>
public sealed class EmbeddedExternalEventTests(EmbeddedBackend backend) : ExternalEventTests(backend.Host), IClassFixture<EmbeddedBackend>;

/// <summary>ExternalEventTests on Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageExternalEventTests(AzureStorageBackend backend) : ExternalEventTests(backend.Host), IClassFixture<AzureStorageBackend>;
