using System.Text.RegularExpressions;
using Transfers.Core.Storage;
using Transfers.Core.Tabular;

namespace Transfers.Core.Exports;

/// <summary>A model: the rows of one source table that a provider exports, with their key and change column.</summary>
/// <param name="ModelName">The model's name, unique per tenant.</param>
/// <param name="SourceTable">The Azure Table that holds the rows.</param>
/// <param name="SourceConnection">The named storage connection of the source table.</param>
/// <param name="PrimaryKey">The columns that identify a row.</param>
/// <param name="LastUpdatedAtColumn">The date-time column that windows select on.</param>
/// <param name="Columns">The columns to export, in order; all when null.</param>
/// <param name="CreatedAt">When the model was created.</param>
public sealed partial record ExportModel(
    string ModelName,
    string SourceTable,
    string SourceConnection,
    IReadOnlyList<string> PrimaryKey,
    string LastUpdatedAtColumn,
    IReadOnlyList<string>? Columns,
    DateTimeOffset CreatedAt)
{
    /// <summary>Whether a model name is acceptable: a letter, then up to 39 letters, digits or underscores.</summary>
    /// <param name="name">The name.</param>
    /// <returns><c>true</c> when valid.</returns>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Whether a table name is acceptable to Azure Tables.</summary>
    /// <param name="name">The table name.</param>
    /// <returns><c>true</c> when valid.</returns>
    public static bool IsValidTableName(string? name) => name is not null && TablePattern().IsMatch(name);

    /// <summary>Checks a new model; the first problem found, or <c>null</c>.</summary>
    /// <param name="storage">Decides which connections and tables the owning tenant may read.</param>
    /// <returns>The error message, or <c>null</c> when valid.</returns>
    public string? Validate(TenantStorageAccess storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (!IsValidName(ModelName))
        {
            return "model_name must be a letter followed by up to 39 letters, digits or underscores.";
        }

        if (!IsValidTableName(SourceTable))
        {
            return "source_table must be a valid Azure Table name (3-63 letters and digits, starting with a letter).";
        }

        if (storage.CheckTable(SourceConnection, SourceTable) is { } denied)
        {
            return $"source_table: {denied}";
        }

        if (PrimaryKey.Count == 0)
        {
            return "primary_key must name at least one column.";
        }

        if ((TooLong(PrimaryKey) ?? TooLong(Columns ?? [])) is { } tooLong)
        {
            return tooLong;
        }

        if (PrimaryKey.Concat(Columns ?? []).Append(LastUpdatedAtColumn).FirstOrDefault(c => !TableRowQuery.IsValidColumnName(c)) is { } bad)
        {
            return $"'{bad}' is not a valid column name (letters, digits and underscores, starting with a letter or underscore).";
        }

        if (PrimaryKey.Distinct(StringComparer.Ordinal).Count() != PrimaryKey.Count || (Columns is not null && Columns.Distinct(StringComparer.Ordinal).Count() != Columns.Count))
        {
            return "primary_key and columns must not repeat a column.";
        }

        if (Columns is { Count: > 0 } && PrimaryKey.FirstOrDefault(k => !Columns.Contains(k, StringComparer.Ordinal)) is { } missing)
        {
            return $"columns must include the primary key column '{missing}'.";
        }

        return null;
    }

    private static string? TooLong(IReadOnlyList<string> names) =>
        names.Count > ExportLimits.MaxColumns || names.Sum(n => n.Length) > ExportLimits.MaxColumnNameChars
            ? $"primary_key and columns may each name at most {ExportLimits.MaxColumns} columns of at most {ExportLimits.MaxColumnNameChars} characters in all."
            : null;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,39}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TablePattern();
}
