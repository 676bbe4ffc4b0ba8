using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;

namespace Transfers.Core.Exports;

/// <summary>
/// Maps a source row to its destination entity, keyed by the model's primary key: with two or more key columns the
/// first is the partition key and the rest, joined by <c>|</c>, the row key; with one column the row key is its value
/// and the partition key one of 16 hash buckets, so that batches of 100 still form. Values are escaped so that
/// characters tables forbid in keys (and the separator) survive.
/// </summary>
public static class ExportRowKeys
{
    private static readonly string[] s_system = ["PartitionKey", "RowKey", "Timestamp", "odata.etag"];
    private static readonly SearchValues<char> s_escaped = SearchValues.Create("%/\\#?|");

    /// <summary>Builds the destination entity of a source row.</summary>
    /// <param name="row">The source row.</param>
    /// <param name="primaryKey">The key columns.</param>
    /// <returns>The entity: the row's columns under the derived keys.</returns>
    /// <exception cref="InvalidOperationException">A key column is missing or empty.</exception>
    public static TableEntity ToDestinationEntity(TableEntity row, IReadOnlyList<string> primaryKey)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(primaryKey);
        var values = primaryKey.Select(column => Escape(KeyValue(row, column))).ToArray();
        var (partition, rowKey) = values.Length == 1
            ? (Bucket(values[0]), values[0])
            : (values[0], string.Join('|', values.Skip(1)));
        var entity = new TableEntity(partition, rowKey);
        foreach (var (name, value) in row)
        {
            if (!s_system.Contains(name, StringComparer.Ordinal) && !name.EndsWith("@odata.type", StringComparison.Ordinal))
            {
                entity[name] = value;
            }
        }

        return entity;
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
