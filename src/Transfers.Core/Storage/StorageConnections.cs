using System.Collections.Concurrent;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Transfers.Core.Configuration;
using Transfers.Core.Warehouse;

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
    public bool Exists(string? name) => Resolve(name) is not null;

    /// <summary>Gets a table service client for a named connection.</summary>
    /// <param name="name">The connection name; <c>null</c> means <see cref="DefaultName"/>.</param>
    /// <returns>The client, shared per name.</returns>
    public TableServiceClient Tables(string? name = null) =>
        _tables.GetOrAdd(Normalize(name), n => Require(n) switch
        {
            { ConnectionString: { } cs } => new TableServiceClient(cs),
            var identity => new TableServiceClient(identity.Endpoint("tableServiceUri", n), identity.Credential()),
        });

    /// <summary>Gets a blob service client for a named connection.</summary>
    /// <param name="name">The connection name; <c>null</c> means <see cref="DefaultName"/>.</param>
    /// <returns>The client, shared per name.</returns>
    public BlobServiceClient Blobs(string? name = null) =>
        _blobs.GetOrAdd(Normalize(name), n => Require(n) switch
        {
            { ConnectionString: { } cs } => new BlobServiceClient(cs),
            var identity => new BlobServiceClient(identity.Endpoint("blobServiceUri", n), identity.Credential()),
        });

    /// <summary>
    /// The credential an identity-based connection (storage or PostgreSQL) signs in with: the user-assigned managed
    /// identity its <c>clientId</c> names, else the default chain.
    /// </summary>
    /// <param name="section">The connection's section.</param>
    /// <returns>The credential.</returns>
    internal static TokenCredential IdentityCredential(IConfigurationSection? section) =>
        section?["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();

    private static string Normalize(string? name) => string.IsNullOrWhiteSpace(name) ? DefaultName : name;

    private Connection Require(string name) =>
        Resolve(name) ?? throw new InvalidOperationException(IsPostgres(name)
            ? $"The connection '{name}' is a PostgreSQL connection, not storage."
            : $"The storage connection '{name}' is not configured (Transfers:Connections:{name}).");

    private bool IsPostgres(string name)
    {
        var section = _configuration.GetSection($"{TransfersOptions.SectionName}:Connections:{name}");
        return PostgresConnections.IsPostgres(_options.CurrentValue.Connections.GetValueOrDefault(name) ?? section.Value, section);
    }

    // A connection is a connection string, or (as Functions' identity-based connections) a section with service URIs
    // and an optional managed identity client id. The default one is AzureWebJobsStorage. A PostgreSQL connection
    // (PostgresConnections) is none.
    private Connection? Resolve(string? name)
    {
        var normalized = Normalize(name);
        if (_options.CurrentValue.Connections.TryGetValue(normalized, out var configured) && !string.IsNullOrWhiteSpace(configured))
        {
            return PostgresConnections.IsConnectionString(configured) ? null : new Connection(configured, null);
        }

        var section = normalized.Equals(DefaultName, StringComparison.OrdinalIgnoreCase)
            ? _configuration.GetSection("AzureWebJobsStorage")
            : _configuration.GetSection($"{TransfersOptions.SectionName}:Connections:{normalized}");
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return PostgresConnections.IsConnectionString(section.Value) ? null : new Connection(section.Value, null);
        }

        return section["blobServiceUri"] is not null || section["tableServiceUri"] is not null ? new Connection(null, section) : null;
    }

    private sealed record Connection(string? ConnectionString, IConfigurationSection? Identity)
    {
        public Uri Endpoint(string key, string name) =>
            Identity?[key] is { Length: > 0 } uri
                ? new Uri(uri)
                : throw new InvalidOperationException($"The storage connection '{name}' has no {key}.");

        public TokenCredential Credential() => IdentityCredential(Identity);
    }
}
