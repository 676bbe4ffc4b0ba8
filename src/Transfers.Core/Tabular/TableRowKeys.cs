using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;

namespace Transfers.Core.Tabular;

/// <summary>
/// Maps a source row to the entity written to a destination table; both families write tables through it, so one
/// source row lands under the same keys whichever family copies it. Keyed by a primary key: with two or more key
/// columns the first is the partition key and the rest, joined by <c>|</c>, the row key; with one column the row key
/// is its value and the partition key one of 16 hash buckets, so that batches of 100 still form. Values are escaped
/// so that characters tables forbid in keys (and the separator) survive. Without a primary key the source's keys stay.
/// </summary>
public static class TableRowKeys
{
    private static readonly SearchValues<char> s_escaped = SearchValues.Create("%/\\#?|");

    /// <summary>
    /// Turns a source row into its destination entity in place: the derived keys replace the source's, and the
    /// service's timestamp, ETag and type annotations are dropped. In place because a table export handles every row
    /// once and a copy per row was a large share of its allocations.
    /// </summary>
    /// <param name="row">The source row; it becomes the destination entity.</param>
    /// <param name="primaryKey">The key columns; <c>null</c> or empty keeps the source's keys.</param>
    /// <returns><paramref name="row"/>, re-keyed.</returns>
    /// <exception cref="InvalidOperationException">A key column is missing or empty; the row is left unchanged.</exception>
    public static TableEntity ForDestination(TableEntity row, IReadOnlyList<string>? primaryKey)
    {
        ArgumentNullException.ThrowIfNull(row);
        var (partition, rowKey) = (row.PartitionKey, row.RowKey);
        if (primaryKey is { Count: > 0 })
        {
            var values = primaryKey.Select(column => Escape(KeyValue(row, column))).ToArray();
            (partition, rowKey) = values.Length == 1
                ? (Bucket(values[0]), values[0])
                : (values[0], string.Join('|', values.Skip(1)));
        }

        row.Remove("Timestamp");
        row.Remove("odata.etag");
        foreach (var annotation in row.Keys.Where(name => name.EndsWith("@odata.type", StringComparison.Ordinal)).ToList())
        {
            row.Remove(annotation);
        }

        row.PartitionKey = partition;
        row.RowKey = rowKey;
        return row;
    }

    private static string KeyValue(TableEntity row, string column) =>
        row.TryGetValue(column, out var value) && value is not null && Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text
            ? value is DateTimeOffset t ? t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) : text
            : throw new InvalidOperationException($"Primary key column '{column}' is missing or empty in row ({row.PartitionKey}, {row.RowKey}).");

    private static string Bucket(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..1];

    private static string Escape(string value)
    {
        if (!value.AsSpan().ContainsAny(s_escaped) && !value.Any(char.IsControl))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '%' or '/' or '\\' or '#' or '?' or '|' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
