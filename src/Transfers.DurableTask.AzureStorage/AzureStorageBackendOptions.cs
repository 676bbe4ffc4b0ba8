using Transfers.Core.DurableTask;

namespace Transfers.DurableTask.AzureStorage;

/// <summary>
/// Settings of the Durable Task backend, bound from <c>Transfers:Durable:AzureStorage</c>; the hub name and the storage
/// connection are the ones the embedded engine uses (<see cref="TaskHubName"/>, <c>Transfers:Durable:StorageConnection</c>
/// else <c>AzureWebJobsStorage</c>). Defaults suit a laptop on Azurite; Durable Functions' own defaults are noted.
/// </summary>
public sealed class AzureStorageBackendOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Transfers:Durable:AzureStorage";

    /// <summary>Gets or sets the task hub name (tables <c>{hub}Instances</c>, <c>{hub}History</c>, queues and containers <c>{hub}-...</c>).</summary>
    public string HubName { get; set; } = TaskHubName.Default;

    /// <summary>Gets or sets the storage connection string.</summary>
    public string? StorageConnection { get; set; }

    /// <summary>Gets or sets the number of control-queue partitions (Durable Functions: 4). Fixed once the hub exists.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>
    /// Gets or sets the longest pause between two polls of an empty queue (Durable Functions: 30 s): the latency of the
    /// first message after a quiet spell.
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many activities one process runs at once (Durable Functions: 10 per core).</summary>
    public int MaxConcurrentActivities { get; set; } = 64;

    /// <summary>Gets or sets how many orchestration episodes one process runs at once (Durable Functions: 10 per core).</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 64;

    /// <summary>
    /// Gets or sets the timeout of an operation on the partition table (Durable Task: 2 s, which a loaded machine
    /// exceeds, stalling the partition it was claiming).
    /// </summary>
    public TimeSpan PartitionTableOperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long a dequeued control or work-item message stays invisible (Durable Functions: 5 min): after a
    /// process dies, the orchestration episodes and activities it had taken run elsewhere only once this has passed.
    /// </summary>
    public TimeSpan QueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long a stopping host waits for the episodes and activities in flight (the sidecar alone would
    /// wait up to an hour). Work cut off is redelivered from the queues to the next process on the hub.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        if (string.IsNullOrEmpty(HubName) || HubName.Length is < 3 or > 45 || !char.IsAsciiLetter(HubName[0]) || !HubName.All(char.IsAsciiLetterOrDigit))
        {
            throw new InvalidOperationException($"The task hub name '{HubName}' must start with a letter, hold only letters and digits and be 3 to 45 characters.");
        }

        if (string.IsNullOrWhiteSpace(StorageConnection))
        {
            throw new InvalidOperationException("No storage connection: set AzureWebJobsStorage or Transfers:Durable:StorageConnection.");
        }

        if (PartitionCount is < 1 or > 16 || MaxConcurrentActivities < 1 || MaxConcurrentOrchestrations < 1)
        {
            throw new InvalidOperationException($"{SectionName}: PartitionCount must be 1-16 and the concurrency limits at least 1.");
        }

        if (MaxQueuePollingInterval <= TimeSpan.Zero || PartitionTableOperationTimeout <= TimeSpan.Zero || QueueVisibilityTimeout < TimeSpan.FromSeconds(1) || ShutdownTimeout < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}: MaxQueuePollingInterval and PartitionTableOperationTimeout must be positive, QueueVisibilityTimeout at least 1 s and ShutdownTimeout not negative.");
        }
    }
}
