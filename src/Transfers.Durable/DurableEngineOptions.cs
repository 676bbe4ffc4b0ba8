using Transfers.Core.DurableTask;

namespace Transfers.Durable;

/// <summary>Settings of the embedded durable engine, bound from the configuration section <c>Transfers:Durable</c>.</summary>
public sealed class DurableEngineOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Transfers:Durable";

    /// <summary>Gets or sets the task hub name: the prefix of the hub's tables and blob container. Letters and digits only.</summary>
    public string HubName { get; set; } = TaskHubName.Default;

    /// <summary>
    /// Gets or sets the storage connection string. When empty, the configuration key <c>AzureWebJobsStorage</c> is used.
    /// </summary>
    public string? StorageConnection { get; set; }

    /// <summary>Gets or sets how many partitions the hub is split into; processes lease whole partitions.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Gets or sets how many activities one process runs at once.</summary>
    public int MaxConcurrentActivities { get; set; } = 64;

    /// <summary>Gets or sets how many orchestration steps one process runs at once.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 16;

    /// <summary>Gets or sets how long a partition lease lasts without renewal; a crashed process's partitions move after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the shortest pause between two scans of the owned partitions.</summary>
    public TimeSpan PollingIntervalMin { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the longest pause between two scans; idle scans back off up to it.</summary>
    public TimeSpan PollingIntervalMax { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many inbox messages one orchestration step consumes at most.</summary>
    public int MaxMessagesPerStep { get; set; } = 30;

    /// <summary>Gets or sets how many instances' rows and histories are kept in memory between steps.</summary>
    public int InstanceCacheSize { get; set; } = 4096;

    internal void Validate()
    {
        if (string.IsNullOrEmpty(HubName) || !char.IsAsciiLetter(HubName[0]) || !HubName.All(char.IsAsciiLetterOrDigit) || HubName.Length > 45)
        {
            throw new InvalidOperationException($"The task hub name '{HubName}' must start with a letter, hold only letters and digits and be at most 45 characters.");
        }

        if (string.IsNullOrWhiteSpace(StorageConnection))
        {
            throw new InvalidOperationException("No storage connection: set AzureWebJobsStorage or Transfers:Durable:StorageConnection.");
        }

        if (PartitionCount is < 1 or > 64 || MaxConcurrentActivities < 1 || MaxConcurrentOrchestrations < 1 || InstanceCacheSize < 1 || MaxMessagesPerStep is < 1 or > 40)
        {
            throw new InvalidOperationException("Transfers:Durable: PartitionCount must be 1-64, MaxMessagesPerStep 1-40, and the concurrency limits and InstanceCacheSize at least 1.");
        }

        if (LeaseDuration <= TimeSpan.Zero || PollingIntervalMin <= TimeSpan.Zero || PollingIntervalMax < PollingIntervalMin)
        {
            throw new InvalidOperationException("Transfers:Durable: LeaseDuration and PollingIntervalMin must be positive and PollingIntervalMax at least PollingIntervalMin.");
        }
    }
}
