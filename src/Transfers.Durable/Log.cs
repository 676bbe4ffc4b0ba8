using Microsoft.Extensions.Logging;
using Transfers.Core.DurableTask;

namespace Transfers.Durable;

/// <summary>The engine's log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Durable engine {WorkerId} started on {PartitionCount} partitions")]
    public static partial void EngineStarted(ILogger logger, string workerId, int partitionCount);

    [LoggerMessage(2, LogLevel.Information, "Durable engine {WorkerId} stopped")]
    public static partial void EngineStopped(ILogger logger, string workerId);

    [LoggerMessage(3, LogLevel.Debug, "Instance {InstanceId} committed a step: {Status}, {HistoryCount} history rows, {WorkCount} work rows")]
    public static partial void StepCommitted(ILogger logger, string instanceId, OrchestrationRuntimeStatus status, int historyCount, int workCount);

    [LoggerMessage(4, LogLevel.Debug, "Instance {InstanceId} changed under a step ({Status}); stepping again")]
    public static partial void StepConflict(ILogger logger, string instanceId, int status);

    [LoggerMessage(5, LogLevel.Warning, "A step of instance {InstanceId} failed; the partition scan retries it")]
    public static partial void StepFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Work {RowKey} of instance {InstanceId} failed; the partition scan retries it")]
    public static partial void WorkFailed(ILogger logger, string instanceId, string rowKey, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "Activity {Name} of instance {InstanceId} failed")]
    public static partial void ActivityFailed(ILogger logger, string name, string instanceId, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "Scanning the owned partitions failed")]
    public static partial void ScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "Balancing partition leases failed")]
    public static partial void LeaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Information, "Worker {WorkerId} acquired partition {Partition}")]
    public static partial void LeaseAcquired(ILogger logger, string workerId, int partition);
}
