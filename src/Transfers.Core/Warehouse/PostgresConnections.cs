using System.Collections.Concurrent;
using System.Data.Common;
using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;
using Transfers.Core.Configuration;
using Transfers.Core.Storage;

namespace Transfers.Core.Warehouse;

/// <summary>Where a PostgreSQL connection's server is: what a consumer needs to connect, without a user or password.</summary>
/// <param name="Host">The host name (or comma-separated hosts).</param>
/// <param name="Port">The TCP port.</param>
/// <param name="Database">The database.</param>
public sealed record PostgresServer(string Host, int Port, string Database);

/// <summary>
/// Resolves the named connections that are PostgreSQL servers to data sources. A connection
/// <c>Transfers:Connections:&lt;name&gt;</c> is PostgreSQL when its value is an Npgsql connection string (it names a
/// <c>Host</c> or <c>Server</c>; storage strings name an account or endpoints instead), or, on Azure, when it is a section
/// with <c>host</c>, <c>port</c>, <c>database</c>, <c>username</c> and an optional managed identity <c>clientId</c>: the
/// password is then an Entra ID access token, refreshed by Npgsql well before it expires. No secret leaves configuration.
/// </summary>
public sealed class PostgresConnections : IPostgresDataSources, IDisposable, IAsyncDisposable
{
    /// <summary>The scope of Entra ID tokens for Azure Database for PostgreSQL.</summary>
    public const string TokenScope = "https://ossrdbms-aad.database.windows.net/.default";

    // Azure.Identity caches a token and renews it about five minutes before it expires (tokens live an hour or more),
    // so asking every five minutes always hands Npgsql a token with most of its life left; a failure retries soon.
    private static readonly TimeSpan s_tokenRefresh = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_tokenRetry = TimeSpan.FromSeconds(10);

    private readonly IConfiguration _configuration;
    private readonly IOptionsMonitor<TransfersOptions> _options;
    private readonly ConcurrentDictionary<string, Lazy<NpgsqlDataSource>> _sources = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="PostgresConnections"/> class.</summary>
    /// <param name="configuration">The configuration that holds identity-based connection sections.</param>
    /// <param name="options">The Transfers options that hold the named connection strings.</param>
    public PostgresConnections(IConfiguration configuration, IOptionsMonitor<TransfersOptions> options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        _configuration = configuration;
        _options = options;
    }

    /// <summary>Whether a PostgreSQL connection of that name is configured.</summary>
    /// <param name="name">The connection name; <c>null</c> (the host's own storage account) never is.</param>
    /// <returns><c>true</c> when it names a PostgreSQL server.</returns>
    public bool Exists(string? name) => !string.IsNullOrWhiteSpace(name) && Settings(name) is (var value, var section) && IsPostgres(value, section);

    /// <inheritdoc/>
    public NpgsqlDataSource Get(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return _sources.GetOrAdd(connection, n => new Lazy<NpgsqlDataSource>(() => Create(n))).Value;
    }

    /// <summary>Describes where a PostgreSQL connection's server is.</summary>
    /// <param name="name">The connection name.</param>
    /// <returns>Its host, port and database.</returns>
    /// <exception cref="InvalidOperationException">No PostgreSQL connection of that name is configured.</exception>
    public PostgresServer Describe(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var settings = Require(name).Settings;
        return new PostgresServer(settings.Host!, settings.Port, settings.Database ?? settings.Username!);
    }

    /// <summary>Whether a connection string is an Npgsql one rather than a storage account's.</summary>
    /// <param name="value">The connection string.</param>
    /// <returns><c>true</c> when it names a host and no storage account or endpoint.</returns>
    internal static bool IsConnectionString(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var parsed = new DbConnectionStringBuilder();
        try
        {
            parsed.ConnectionString = value;
        }
        catch (ArgumentException)
        {
            return false;
        }

        var keys = parsed.Keys.Cast<string>().ToList();
        return keys.Any(k => k.Equals("Host", StringComparison.OrdinalIgnoreCase) || k.Equals("Server", StringComparison.OrdinalIgnoreCase))
            && !keys.Any(k => k.Equals("AccountName", StringComparison.OrdinalIgnoreCase)
                || k.Equals("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase)
                || k.EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether a connection's settings (its value, or its section) describe a PostgreSQL server.</summary>
    /// <param name="value">The connection string, if the connection is one.</param>
    /// <param name="section">The connection's configuration section.</param>
    /// <returns><c>true</c> for an Npgsql connection string or an identity section with a <c>host</c>.</returns>
    internal static bool IsPostgres(string? value, IConfigurationSection section) =>
        string.IsNullOrWhiteSpace(value) ? !string.IsNullOrWhiteSpace(section["host"]) : IsConnectionString(value);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var source in _sources.Values.Where(s => s.IsValueCreated))
        {
            source.Value.Dispose();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values.Where(s => s.IsValueCreated))
        {
            await source.Value.DisposeAsync();
        }
    }

    // The Npgsql settings of an identity-based connection section: no password (a token is), TLS required.
    private static NpgsqlConnectionStringBuilder IdentitySettings(string name, IConfigurationSection section)
    {
        var username = section["username"] is { Length: > 0 } user
            ? user
            : throw new InvalidOperationException($"The PostgreSQL connection '{name}' has no username (Transfers:Connections:{name}:username, the Entra ID principal it signs in as).");
        var port = section["port"] is { Length: > 0 } text
            ? int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed is > 0 and <= 65535
                ? parsed
                : throw new InvalidOperationException($"The PostgreSQL connection '{name}' has an invalid port '{text}'.")
            : 5432;
        return new NpgsqlConnectionStringBuilder
        {
            Host = section["host"],
            Port = port,
            Database = section["database"] is { Length: > 0 } database ? database : "postgres",
            Username = username,
            SslMode = SslMode.Require,
        };
    }

    private NpgsqlDataSource Create(string name)
    {
        var server = Require(name);
        if (server.Identity is null)
        {
            return NpgsqlDataSource.Create(server.Settings);
        }

        var credential = StorageConnections.IdentityCredential(server.Identity);
        var builder = new NpgsqlDataSourceBuilder(server.Settings.ConnectionString);
        builder.UsePeriodicPasswordProvider(
            async (_, cancellationToken) => (await credential.GetTokenAsync(new TokenRequestContext([TokenScope]), cancellationToken)).Token,
            s_tokenRefresh,
            s_tokenRetry);
        return builder.Build();
    }

    private Server Require(string name) =>
        Resolve(name) ?? throw new InvalidOperationException($"No PostgreSQL connection named '{name}' is configured (Transfers:Connections:{name}).");

    // A connection's string, if it is one, and its section (as StorageConnections reads them).
    private (string? Value, IConfigurationSection Section) Settings(string name)
    {
        var section = _configuration.GetSection($"{TransfersOptions.SectionName}:Connections:{name}");
        return (_options.CurrentValue.Connections.TryGetValue(name, out var configured) && !string.IsNullOrWhiteSpace(configured) ? configured : section.Value, section);
    }

    private Server? Resolve(string name)
    {
        var (value, section) = Settings(name);
        if (!IsPostgres(value, section))
        {
            return null;
        }

        return string.IsNullOrWhiteSpace(value)
            ? new Server(IdentitySettings(name, section), section)
            : new Server(new NpgsqlConnectionStringBuilder(value), null);
    }

    // The settings of a server, and for an identity-based connection the section its credential comes from.
    private sealed record Server(NpgsqlConnectionStringBuilder Settings, IConfigurationSection? Identity);
}
