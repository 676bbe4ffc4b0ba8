namespace Transfers.Core.DurableTask;

/// <summary>Uses of <see cref="IDurableClient"/> that more than one family needs.</summary>
public static class DurableClientExtensions
{
    /// <summary>
    /// Schedules an orchestration instance unless one with that id is pending, running or suspended: for a record that
    /// says its orchestration runs, whether the host got to schedule it or not, and whoever else schedules it meanwhile.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="orchestratorName">The registered orchestration name.</param>
    /// <param name="input">The orchestration input.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>true</c> when this call scheduled it; <c>false</c> when one was already running.</returns>
    public static async Task<bool> TryScheduleAsync(
        this IDurableClient client, string orchestratorName, object? input, string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, new StartOrchestrationOptions(instanceId), cancellationToken);
            return true;
        }
        catch (InstanceAlreadyExistsException)
        {
            return false;
        }
    }
}
