using Microsoft.Extensions.Logging;

namespace Transfers.Core.Reconciliation;

/// <summary>Log messages of the reconciler.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Reconciler: {Family} record of {InstanceId} {Action}: {What}")]
    public static partial void Repaired(ILogger logger, string family, string instanceId, string action, string what);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Reconciler: {Family} record of {InstanceId} changed since it was listed; not {Action} in this pass.")]
    public static partial void Changed(ILogger logger, string family, string instanceId, string action);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Reconciler: {Family} record of {InstanceId} could not be checked; the next pass retries.")]
    public static partial void RepairFailed(ILogger logger, Exception exception, string family, string instanceId);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Reconciler: a pass failed; the next one runs in {Interval}.")]
    public static partial void PassFailed(ILogger logger, Exception exception, TimeSpan interval);
}
