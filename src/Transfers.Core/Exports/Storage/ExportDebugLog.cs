using Azure.Data.Tables;

namespace Transfers.Core.Exports;

/// <summary>One line of a transfer's debug log.</summary>
/// <param name="At">When it was written.</param>
/// <param name="Message">What happened.</param>
public sealed record ExportDebugLogEntry(DateTimeOffset At, string Message);

/// <summary>
/// The debug logs of transfers with <c>is_debug_mode</c>, in <c>ExportDebugLogs</c> (partition transfer id). Each
/// entry has a key chosen by its writer, so an activity that runs again overwrites its own lines.
/// </summary>
/// <param name="tables">The family's tables.</param>
/// <param name="time">The clock that stamps each line.</param>
public sealed class ExportDebugLog(ExportsTables tables, TimeProvider time)
{
    /// <summary>Initializes a new instance of the <see cref="ExportDebugLog"/> class that stamps lines with the system clock.</summary>
    /// <param name="tables">The family's tables.</param>
    public ExportDebugLog(ExportsTables tables)
        : this(tables, TimeProvider.System)
    {
    }

    /// <summary>Writes a log line.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="key">A key unique within the transfer and stable across retries.</param>
    /// <param name="message">The line; never contains secrets.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when stored.</returns>
    public async Task WriteAsync(string transferId, string key, string message, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.DebugLogs);
        await table.UpsertEntityAsync(
            new TableEntity(transferId, key) { ["At"] = time.GetUtcNow(), ["Message"] = message.Length > 8000 ? message[..8000] : message },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>Reads a transfer's log in time order.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The entries.</returns>
    public async Task<IReadOnlyList<ExportDebugLogEntry>> ReadAsync(string transferId, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.DebugLogs);
        var entries = new List<ExportDebugLogEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {transferId}"), cancellationToken: cancellationToken))
        {
            entries.Add(new ExportDebugLogEntry(row.GetDateTimeOffset("At") ?? DateTimeOffset.UnixEpoch, row.GetString("Message")));
        }

        return [.. entries.OrderBy(e => e.At)];
    }
}
