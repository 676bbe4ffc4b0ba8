using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Transfers.Core.Configuration;

namespace Transfers.Core.Storage;

/// <summary>
/// Resolves storage connection names to clients. API payloads name a connection, never carry a secret; the secrets
/// stay in configuration. <c>default</c> (or no name) is <c>AzureWebJobsStorage</c>.
/// </summary>
public sealed class StorageConnections
{
    /// <summary>The name of the host's own storage account.</summary>
    public const string DefaultName = "default";

    private readonly IConfiguration _configuration;
    private readonly IOptionsMonitor<TransfersOptions> _options;
    private readonly ConcurrentDictionary<string, TableServiceClient> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, BlobServiceClient> _blobs = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="StorageConnections"/> class.</summary>
    /// <param name="configuration">The configuration that holds <c>AzureWebJobsStorage</c>.</param>
    /// <param name="options">The Transfers options that hold the named connections.</param>
    public StorageConnections(IConfiguration configuration, IOptionsMonitor<TransfersOptions> options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        _configuration = configuration;
        _options = options;
    }

    /// <summary>Whether a connection of that name is configured.</summary>
    /// <param name="name">The connection name; <c>null</c> means <see cref="DefaultName"/>.</param>
    /// <returns><c>true</c> when it can be resolved.</returns>
    public bool Exists(string? name) => TryGetConnectionString(name, out _);

    /// <summary>Gets a table service client for a named connection.</summary>
    /// <param name="name">The connection name; <c>null</c> means <see cref="DefaultName"/>.</param>
    /// <returns>The client, shared per name.</returns>
    public TableServiceClient Tables(string? name = null) =>
        _tables.GetOrAdd(Normalize(name), n => new TableServiceClient(Require(n)));

    /// <summary>Gets a blob service client for a named connection.</summary>
    /// <param name="name">The connection name; <c>null</c> means <see cref="DefaultName"/>.</param>
    /// <returns>The client, shared per name.</returns>
    public BlobServiceClient Blobs(string? name = null) =>
        _blobs.GetOrAdd(Normalize(name), n => new BlobServiceClient(Require(n)));

    private static string Normalize(string? name) => string.IsNullOrWhiteSpace(name) ? DefaultName : name;

    private string Require(string name) =>
        TryGetConnectionString(name, out var value)
            ? value
            : throw new InvalidOperationException($"The storage connection '{name}' is not configured (Transfers:Connections:{name}).");

    private bool TryGetConnectionString(string? name, out string value)
    {
        var normalized = Normalize(name);
        if (_options.CurrentValue.Connections.TryGetValue(normalized, out var configured) && !string.IsNullOrWhiteSpace(configured))
        {
            value = configured;
            return true;
        }

        value = normalized.Equals(DefaultName, StringComparison.OrdinalIgnoreCase) ? _configuration["AzureWebJobsStorage"] ?? string.Empty : string.Empty;
        return value.Length > 0;
    }
}
