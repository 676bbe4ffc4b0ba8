using System.Text.RegularExpressions;

namespace Transfers.Core.Warehouse;

/// <summary>
/// The names Transfers gives and accepts in a PostgreSQL warehouse: schemas, tables and columns it creates, and the
/// schema it keeps its own load state in. Every name is quoted in SQL, so a name is taken exactly as written.
/// </summary>
public static partial class PostgresNames
{
    /// <summary>The schema that holds the service's own load state; no tenant may name it.</summary>
    public const string StateSchema = "transfers_state";

    /// <summary>The most bytes PostgreSQL keeps of an identifier (NAMEDATALEN - 1); longer ones are cut silently.</summary>
    public const int MaxIdentifierBytes = 63;

    /// <summary>
    /// Whether a name is one Transfers accepts for a schema or table a client names: lower-case letters, digits and
    /// underscores, starting with a letter or underscore, at most 63 characters. Such names read the same quoted or not,
    /// so an analyst can type them in <c>psql</c> without quotes.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <returns><c>true</c> when valid.</returns>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Why a schema cannot be named by a tenant, or <c>null</c> when it can.</summary>
    /// <param name="schema">The schema name.</param>
    /// <returns>The reason, or <c>null</c>.</returns>
    public static string? SchemaProblem(string? schema) =>
        !IsValidName(schema) ? "schema must be 1-63 lower-case letters, digits or underscores, starting with a letter or underscore."
        : schema!.StartsWith("pg_", StringComparison.Ordinal) || schema is "information_schema" or StateSchema
            ? $"The schema '{schema}' is reserved (pg_*, information_schema and {StateSchema})."
            : null;

    /// <summary>Quotes an identifier for SQL: wrapped in double quotes, inner double quotes doubled.</summary>
    /// <param name="identifier">The identifier.</param>
    /// <returns>The quoted identifier.</returns>
    public static string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Quotes a schema-qualified name: <c>"schema"."name"</c>.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="name">The table (or other object) name.</param>
    /// <returns>The quoted, qualified name.</returns>
    public static string Qualified(string schema, string name) => Quote(schema) + "." + Quote(name);

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex NamePattern();
}
