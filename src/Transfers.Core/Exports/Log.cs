using Microsoft.Extensions.Logging;

namespace Transfers.Core.Exports;

/// <summary>The Exports family's log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Transfer {TransferId}: model {ModelName} chunk {ChunkIndex} exported {Rows} rows.")]
    public static partial void ChunkExported(ILogger logger, string transferId, string modelName, int chunkIndex, long rows);
}
