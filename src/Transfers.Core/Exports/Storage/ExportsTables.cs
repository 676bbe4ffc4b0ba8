using System.Text.Json;
using Azure.Data.Tables;
using Transfers.Core.Storage;

namespace Transfers.Core.Exports;

/// <summary>The Exports family's record tables in the host's account, created on first use.</summary>
public sealed class ExportsTables
{
    private readonly Lazy<Task> _created;

    /// <summary>Initializes a new instance of the <see cref="ExportsTables"/> class.</summary>
    /// <param name="connections">The storage connections; records live in the host's own account.</param>
    public ExportsTables(StorageConnections connections)
    {
        ArgumentNullException.ThrowIfNull(connections);
        var service = connections.Tables();
        Models = service.GetTableClient(ServiceTables.ExportModels);
        Destinations = service.GetTableClient(ServiceTables.ExportDestinations);
        Transfers = service.GetTableClient(ServiceTables.ExportTransfers);
        TransferModels = service.GetTableClient(ServiceTables.ExportTransferModels);
        Watermarks = service.GetTableClient(ServiceTables.ExportWatermarks);
        DebugLogs = service.GetTableClient(ServiceTables.ExportDebugLogs);
        TableClient[] all = [Models, Destinations, Transfers, TransferModels, Watermarks, DebugLogs];
        _created = new Lazy<Task>(() => Task.WhenAll(all.Select(t => t.CreateIfNotExistsAsync())));
    }

    /// <summary>Gets the models: partition tenant, row model name.</summary>
    public TableClient Models { get; }

    /// <summary>Gets the destinations: partition tenant, row destination id.</summary>
    public TableClient Destinations { get; }

    /// <summary>Gets the transfers: partition tenant, row transfer id (newest first).</summary>
    public TableClient Transfers { get; }

    /// <summary>Gets the per-model progress of transfers: partition transfer id, row model name.</summary>
    public TableClient TransferModels { get; }

    /// <summary>Gets the watermarks: partition tenant, row destination and model.</summary>
    public TableClient Watermarks { get; }

    /// <summary>Gets the debug logs: partition transfer id.</summary>
    public TableClient DebugLogs { get; }

    /// <summary>Creates the tables once per process.</summary>
    /// <returns>A task that completes when they exist.</returns>
    public Task EnsureCreatedAsync() => _created.Value;

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
