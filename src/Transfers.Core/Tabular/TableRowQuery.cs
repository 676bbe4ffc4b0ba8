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

    /// <summary>
    /// Gets a value indicating whether this process checks the window instead of the table service. Worth it when
    /// nearly every row is in the window (a first or full export): a filter on a column that is not a key saves no
    /// reads, because the service scans every row of the range either way, and the storage emulator re-evaluates it
    /// on every row of the table for every page; a check in this process costs a comparison per row it reads anyway.
    /// </summary>
    public bool WindowCheckedInHost { get; init; }

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

        // Key clauses first: a service that evaluates the filter row by row rejects rows outside the range on a
        // string comparison before it gets to the window's date parsing.
        if (PartitionKeyFrom is { } pkFrom)
        {
            clauses.Add(TableClient.CreateQueryFilter($"PartitionKey ge {pkFrom}"));
        }

        if (PartitionKeyTo is { } pkTo)
        {
            clauses.Add(TableClient.CreateQueryFilter($"PartitionKey lt {pkTo}"));
        }

        if (HasWindow)
        {
            // Column names cannot be parameters of CreateQueryFilter; ValidWindowColumn makes them safe to inline.
            var column = ValidWindowColumn();
            if (!WindowCheckedInHost && From is { } from)
            {
                clauses.Add(column + TableClient.CreateQueryFilter($" ge {from.ToUniversalTime()}"));
            }

            if (!WindowCheckedInHost && To is { } to)
            {
                clauses.Add(column + TableClient.CreateQueryFilter($" lt {to.ToUniversalTime()}"));
            }
        }

        return clauses.Count == 0 ? null : string.Join(" and ", clauses.Select(c => "(" + c + ")"));
    }

    /// <summary>
    /// Whether a row read by this query belongs in its result: always, unless <see cref="WindowCheckedInHost"/> is
    /// set, when its window column must hold a date-time in the window. A missing or non-date value is outside it,
    /// as the table service treats a comparison between different types.
    /// </summary>
    /// <param name="row">A row the table service returned for <see cref="ToFilter"/>.</param>
    /// <returns><c>true</c> when the row is in the result.</returns>
    public bool Matches(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!WindowCheckedInHost || !HasWindow)
        {
            return true;
        }

        // The column was validated when the filter was built; this runs for every row read.
        DateTimeOffset? value = TimestampColumn is { } column && row.TryGetValue(column, out var raw) ? raw switch
        {
            DateTimeOffset offset => offset,
            DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
            _ => null,
        } : null;
        return value is { } v && (From is not { } from || v >= from) && (To is not { } to || v < to);
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

        IEnumerable<string> read = ["PartitionKey", "RowKey", .. columns.Where(c => c is not "PartitionKey" and not "RowKey")];
        return ReadsColumnOnlyForWindow ? [.. read, TimestampColumn!] : [.. read];
    }

    /// <summary>
    /// Gets a value indicating whether the window column is read only for the check in this process, so it is removed
    /// from the rows before they are returned.
    /// </summary>
    internal bool ReadsColumnOnlyForWindow =>
        WindowCheckedInHost && HasWindow && Columns is { Count: > 0 } columns && !columns.Contains(ValidWindowColumn(), StringComparer.Ordinal);

    private bool HasWindow => From is not null || To is not null;

    private string ValidWindowColumn() => IsValidColumnName(TimestampColumn)
        ? TimestampColumn!
        : throw new ArgumentException("A time window needs a valid timestamp column.", nameof(TimestampColumn));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,254}$")]
    private static partial Regex ColumnPattern();
}
