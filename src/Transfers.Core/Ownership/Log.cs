using Microsoft.Extensions.Logging;

namespace Transfers.Core.Ownership;

/// <summary>Log messages of the Ownership family.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Ownership transfer {TransferId} closed as {Status}.")]
    public static partial void TransferClosed(ILogger logger, string transferId, string status);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Ownership transfer {TransferId} failed in {Task}: {Reason}")]
    public static partial void MoveFailed(ILogger logger, string transferId, string task, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Ownership transfer {TransferId} moved {Moved} {Collection} resources; {Failed} not taken.")]
    public static partial void ChunkMoved(ILogger logger, string transferId, string collection, int moved, int failed);
}
