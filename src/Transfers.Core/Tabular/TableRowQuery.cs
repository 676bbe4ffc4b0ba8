using System.Text.RegularExpressions;
using Azure.Data.Tables;

namespace Transfers.Core.Tabular;

/// <summary>
/// Which rows of a table to read: an optional half-open time window on a date-time column, an optional half-open
/// partition-key range (to split a table into independent chunks) and an optional column projection.
/// </summary>
public sealed partial record TableRowQuery
{
    /// <summary>Gets the date-time column the window applies to; required when <see cref="From"/> or <see cref="To"/> is set.</summary>
    public string? TimestampColumn { get; init; }

    /// <summary>Gets the inclusive lower bound of <see cref="TimestampColumn"/>.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the exclusive upper bound of <see cref="TimestampColumn"/>.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Gets the inclusive lower bound of the partition key.</summary>
    public string? PartitionKeyFrom { get; init; }

    /// <summary>Gets the exclusive upper bound of the partition key.</summary>
    public string? PartitionKeyTo { get; init; }

    /// <summary>Gets the columns to read; every column when null or empty. Keys are always read.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>Whether a name can be used as a column in a filter or projection: letters, digits and underscores, starting with a letter or underscore.</summary>
    /// <param name="name">The column name.</param>
    /// <returns><c>true</c> when valid.</returns>
    public static bool IsValidColumnName(string? name) => name is not null && ColumnPattern().IsMatch(name);

    /// <summary>Builds the OData filter of this query, with every value escaped.</summary>
    /// <returns>The filter, or <c>null</c> when every row matches.</returns>
    /// <exception cref="ArgumentException">A window is set without a valid <see cref="TimestampColumn"/>.</exception>
    public string? ToFilter()
    {
        var clauses = new List<string>(4);
        if (From is not null || To is not null)
        {
            if (!IsValidColumnName(TimestampColumn))
            {
                throw new ArgumentException("A time window needs a valid timestamp column.", nameof(TimestampColumn));
            }

            // Column names cannot be parameters of CreateQueryFilter; IsValidColumnName makes them safe to inline.
            if (From is { } from)
            {
                clauses.Add(TimestampColumn + TableClient.CreateQueryFilter($" ge {from.ToUniversalTime()}"));
            }

            if (To is { } to)
            {
                clauses.Add(TimestampColumn + TableClient.CreateQueryFilter($" lt {to.ToUniversalTime()}"));
            }
        }

        if (PartitionKeyFrom is { } pkFrom)
        {
            clauses.Add(TableClient.CreateQueryFilter($"PartitionKey ge {pkFrom}"));
        }

        if (PartitionKeyTo is { } pkTo)
        {
            clauses.Add(TableClient.CreateQueryFilter($"PartitionKey lt {pkTo}"));
        }

        return clauses.Count == 0 ? null : string.Join(" and ", clauses.Select(c => "(" + c + ")"));
    }

    /// <summary>The projection to request: the keys plus <see cref="Columns"/>, or <c>null</c> for every column.</summary>
    /// <returns>The column list, or <c>null</c>.</returns>
    public IReadOnlyList<string>? ToSelect()
    {
        if (Columns is not { Count: > 0 } columns)
        {
            return null;
        }

        foreach (var column in columns)
        {
            if (!IsValidColumnName(column))
            {
                throw new ArgumentException($"'{column}' is not a valid column name.", nameof(Columns));
            }
        }

        return ["PartitionKey", "RowKey", .. columns.Where(c => c is not "PartitionKey" and not "RowKey")];
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,254}$")]
    private static partial Regex ColumnPattern();
}
