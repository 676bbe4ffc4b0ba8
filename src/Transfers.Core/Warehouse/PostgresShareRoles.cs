using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Transfers.Core.Warehouse;

/// <summary>
/// The read-only login role a share's consumer reads its postgres destination with: <c>USAGE</c> on the share's
/// schema, <c>SELECT</c> on its tables (those the service creates later too, through default privileges), nothing
/// else. Its password is set only on request, as a SCRAM-SHA-256 verifier computed here, so the secret never reaches
/// the server or its logs.
/// </summary>
/// <param name="warehouses">The PostgreSQL connections.</param>
public sealed class PostgresShareRoles(IPostgresDataSources warehouses)
{
    private const string Prefix = "transfers_share_";
    private const int ScramIterations = 4096;

    /// <summary>
    /// The role name of a share: <c>transfers_share_</c> and the share id when that is a plain lower-case name of at
    /// most 63 bytes, else the id's simple characters cut to fit and a hash of the whole id, so two ids never share a role.
    /// </summary>
    /// <param name="shareId">The share id.</param>
    /// <returns>A name of at most 63 bytes.</returns>
    public static string RoleName(string shareId)
    {
        ArgumentException.ThrowIfNullOrEmpty(shareId);
        var plain = Prefix + shareId;
        if (PostgresNames.IsValidName(plain))
        {
            return plain;
        }

        var hash = "_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(shareId)), 0, 6);
        var simple = new string([.. shareId.ToLowerInvariant().Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '_')]);
        return Prefix + simple[..Math.Min(simple.Length, PostgresNames.MaxIdentifierBytes - Prefix.Length - hash.Length)] + hash;
    }

    /// <summary>
    /// Ensures the share's role exists (<c>LOGIN NOINHERIT</c>, no password) and may read every table of the schema,
    /// now and later. Idempotent; safe when callers race (roles are cluster-wide, so the race can cross databases).
    /// </summary>
    /// <param name="connection">The named PostgreSQL connection.</param>
    /// <param name="schema">The share's schema, created if missing.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The role name.</returns>
    public async Task<string> EnsureAsync(string connection, string schema, string shareId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(schema);
        var role = RoleName(shareId);
        await using var db = await warehouses.Get(connection).OpenConnectionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(db, $"CREATE ROLE {PostgresNames.Quote(role)} LOGIN NOINHERIT", cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
        {
            // Created meanwhile by another caller (a racing CREATE ROLE fails on the catalog's unique index instead).
        }

        await PostgresTableWriter.EnsureSchemaAsync(db, schema, cancellationToken);
        var quotedSchema = PostgresNames.Quote(schema);
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);

        // Concurrent grants on one object fail with "tuple concurrently updated"; the lock takes them in turn.
        await ExecuteAsync(
            db,
            $"SELECT pg_advisory_xact_lock(hashtextextended('grants ' || {Literal(schema)}, 0)); " +
            $"GRANT USAGE ON SCHEMA {quotedSchema} TO {PostgresNames.Quote(role)}; " +
            $"GRANT SELECT ON ALL TABLES IN SCHEMA {quotedSchema} TO {PostgresNames.Quote(role)}; " +
            $"ALTER DEFAULT PRIVILEGES IN SCHEMA {quotedSchema} GRANT SELECT ON TABLES TO {PostgresNames.Quote(role)}",
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return role;
    }

    /// <summary>
    /// Sets a fresh random password on the share's role, replacing any earlier one. The server receives only its
    /// SCRAM-SHA-256 verifier.
    /// </summary>
    /// <param name="connection">The named PostgreSQL connection.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The password; shown once, stored nowhere.</returns>
    public async Task<string> RotatePasswordAsync(string connection, string shareId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        await using var db = await warehouses.Get(connection).OpenConnectionAsync(cancellationToken);

        // ALTER ROLE takes no parameters; the verifier is base64 and '$'/':' only, so it is a safe literal.
        await ExecuteAsync(db, $"ALTER ROLE {PostgresNames.Quote(RoleName(shareId))} PASSWORD '{ScramVerifier(password, RandomNumberGenerator.GetBytes(16))}'", cancellationToken);
        return password;
    }

    /// <summary>
    /// Drops the share's role, for when the share is deleted: its grants on the schema are revoked first (by this login,
    /// their grantor), then whatever else it holds in this database goes with <c>DROP OWNED</c> when this login may act
    /// for the role (a superuser may; from PostgreSQL 16 a non-superuser that created the role may not, and needs the revokes).
    /// </summary>
    /// <param name="connection">The named PostgreSQL connection.</param>
    /// <param name="schema">The share's schema.</param>
    /// <param name="shareId">The share id.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns><c>true</c> when a role was dropped.</returns>
    public async Task<bool> DropAsync(string connection, string schema, string shareId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(schema);
        var name = RoleName(shareId);
        var role = PostgresNames.Quote(name);
        var quotedSchema = PostgresNames.Quote(schema);
        await using var db = await warehouses.Get(connection).OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        bool actsForRole, schemaExists;
        await using (var state = new NpgsqlCommand(
            "SELECT pg_has_role(oid, 'USAGE'), to_regnamespace(@schema) IS NOT NULL FROM pg_roles WHERE rolname = @role", db))
        {
            state.Parameters.AddWithValue("role", name);
            state.Parameters.AddWithValue("schema", quotedSchema);
            await using var reader = await state.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false;
            }

            (actsForRole, schemaExists) = (reader.GetBoolean(0), reader.GetBoolean(1));
        }

        var sql = new List<string>();
        if (schemaExists)
        {
            sql.Add($"SELECT pg_advisory_xact_lock(hashtextextended('grants ' || {Literal(schema)}, 0))");
            sql.Add($"REVOKE ALL ON ALL TABLES IN SCHEMA {quotedSchema} FROM {role}");
            sql.Add($"REVOKE ALL ON SCHEMA {quotedSchema} FROM {role}");
            sql.Add($"ALTER DEFAULT PRIVILEGES IN SCHEMA {quotedSchema} REVOKE ALL ON TABLES FROM {role}");
        }

        if (actsForRole)
        {
            sql.Add($"DROP OWNED BY {role}");
        }

        sql.Add($"DROP ROLE {role}");
        await ExecuteAsync(db, string.Join("; ", sql), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677).</summary>
    /// <param name="password">The password (ASCII, so SASLprep leaves it as is).</param>
    /// <param name="salt">The salt.</param>
    /// <returns><c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c>, base64 parts.</returns>
    internal static string ScramVerifier(string password, byte[] salt)
    {
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, ScramIterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${ScramIterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static async Task ExecuteAsync(NpgsqlConnection db, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
