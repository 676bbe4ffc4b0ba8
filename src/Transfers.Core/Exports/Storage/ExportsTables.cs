using System.Text.Json;
using Transfers.Core.Application;
using Transfers.Core.Storage;

namespace Transfers.Core.Exports;

/// <summary>The Exports family's record tables in the host's account, each created once on first use.</summary>
public sealed class ExportsTables : HostTables
{
    /// <summary>The models: partition tenant, row model name (and the reserved table name of each).</summary>
    public const string Models = ServiceTables.ExportModels;

    /// <summary>The destinations: partition tenant, row destination id.</summary>
    public const string Destinations = ServiceTables.ExportDestinations;

    /// <summary>The transfers: partition tenant, row transfer id (newest first), with the destinations' queue rows.</summary>
    public const string Transfers = ServiceTables.ExportTransfers;

    /// <summary>The per-model progress of transfers: partition transfer id, row model name.</summary>
    public const string TransferModels = ServiceTables.ExportTransferModels;

    /// <summary>The watermarks: partition tenant, row destination and model.</summary>
    public const string Watermarks = ServiceTables.ExportWatermarks;

    /// <summary>The debug logs: partition transfer id.</summary>
    public const string DebugLogs = ServiceTables.ExportDebugLogs;

    /// <summary>Initializes a new instance of the <see cref="ExportsTables"/> class.</summary>
    /// <param name="connections">The storage connections.</param>
    public ExportsTables(StorageConnections connections)
        : base(connections)
    {
    }

    /// <summary>Serializes a list or map for a string property.</summary>
    /// <param name="value">The value.</param>
    /// <returns>JSON, or <c>null</c>.</returns>
    internal static string? ToJson(object? value) => value is null ? null : JsonSerializer.Serialize(value);

    /// <summary>Deserializes a string property written by <see cref="ToJson"/>.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="json">The JSON, or <c>null</c>.</param>
    /// <returns>The value, or <c>default</c>.</returns>
    internal static T? FromJson<T>(string? json) => string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json);
}
