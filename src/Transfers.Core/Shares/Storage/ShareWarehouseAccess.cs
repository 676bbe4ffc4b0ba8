using Microsoft.Extensions.Logging;
using Npgsql;
using Transfers.Core.Warehouse;

namespace Transfers.Core.Shares;

/// <summary>A login secret of a share's read-only role, as <c>POST /v1/shares/{shareId}/credentials</c> answers it once.</summary>
/// <param name="Role">The role.</param>
/// <param name="Password">The fresh password; stored nowhere.</param>
/// <param name="Access">The warehouse share identifier (see <see cref="ShareWarehouseAccess.ShareIdentifier"/>).</param>
/// <param name="Schema">The schema the role reads.</param>
public sealed record ShareCredentials(string Role, string Password, string Access, string Schema);

/// <summary>
/// How a share's consumer reaches its postgres destination: the share's read-only role (<see cref="PostgresShareRoles"/>)
/// on the destination's schema, named by the warehouse share identifier, its password issued on request.
/// </summary>
/// <param name="warehouses">The PostgreSQL connections, to name their server.</param>
/// <param name="roles">The shares' roles.</param>
/// <param name="logger">The logger.</param>
public sealed partial class ShareWarehouseAccess(PostgresConnections warehouses, PostgresShareRoles roles, ILogger<ShareWarehouseAccess> logger)
{
    /// <summary>
    /// The warehouse share identifier <c>postgresql://&lt;role&gt;@&lt;host&gt;:&lt;port&gt;/&lt;database&gt;</c>: a URI
    /// <c>psql</c> takes as it is, without a password (the consumer gets one from the credentials route).
    /// </summary>
    /// <param name="server">Where the server is.</param>
    /// <param name="role">The share's role.</param>
    /// <returns>The identifier.</returns>
    public static string ShareIdentifier(PostgresServer server, string role)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(role);
        var host = server.Host.Contains(':', StringComparison.Ordinal) ? $"[{server.Host}]" : server.Host;
        return $"postgresql://{Uri.EscapeDataString(role)}@{host}:{server.Port}/{Uri.EscapeDataString(server.Database)}";
    }

    /// <summary>Ensures the share's role reads the destination's schema and describes the access for <c>accessDetails</c>.</summary>
    /// <param name="destination">The postgres destination.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="tables">The tables the transfer loads into the schema.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The access details.</returns>
    public async Task<ShareAccessDetails> EnsureAccessAsync(
        ShareDestination destination, string shareId, IReadOnlyList<string> tables, CancellationToken cancellationToken = default)
    {
        var (connection, schema) = Target(destination);
        var role = await roles.EnsureAsync(connection, schema, shareId, cancellationToken);
        return new ShareAccessDetails(ShareIdentifier(warehouses.Describe(connection), role), null, schema, role, tables);
    }

    /// <summary>Ensures the share's role and gives it a fresh password; the previous one stops working.</summary>
    /// <param name="destination">The postgres destination.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The credentials, to be shown once.</returns>
    public async Task<ShareCredentials> RotateAsync(ShareDestination destination, string shareId, CancellationToken cancellationToken = default)
    {
        var (connection, schema) = Target(destination);
        var role = await roles.EnsureAsync(connection, schema, shareId, cancellationToken);
        var password = await roles.RotatePasswordAsync(connection, shareId, cancellationToken);
        return new ShareCredentials(role, password, ShareIdentifier(warehouses.Describe(connection), role), schema);
    }

    /// <summary>Drops the share's role, for a deleted share; a failure is logged, not thrown (the share is gone either way).</summary>
    /// <param name="destination">The share's destination; nothing happens unless it is a postgres one.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task.</returns>
    public async Task DropRoleAsync(ShareDestination? destination, string shareId, CancellationToken cancellationToken = default)
    {
        if (destination is not { Kind: ShareDestinationKinds.Postgres })
        {
            return;
        }

        try
        {
            var (connection, schema) = Target(destination);
            await roles.DropAsync(connection, schema, shareId, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            DropFailed(logger, shareId, PostgresShareRoles.RoleName(shareId), e.Message);
        }
    }

    private static (string Connection, string Schema) Target(ShareDestination destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return destination is { Kind: ShareDestinationKinds.Postgres, Connection: { } connection, Schema: { } schema }
            ? (connection, schema)
            : throw new InvalidOperationException("The share has no postgres destination.");
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Share {ShareId} was deleted but dropping its PostgreSQL role {Role} failed: {Reason}")]
    private static partial void DropFailed(ILogger logger, string shareId, string role, string reason);
}
