using Azure.Data.Tables;

namespace Transfers.Core.Tabular;

/// <summary>A half-open partition-key range <c>[From, To)</c>; a <c>null</c> bound is open.</summary>
/// <param name="From">The inclusive lower bound, or <c>null</c> for the start of the table.</param>
/// <param name="To">The exclusive upper bound, or <c>null</c> for the end of the table.</param>
public sealed record TableKeyRange(string? From, string? To)
{
    /// <summary>Gets the range that covers the whole table.</summary>
    public static TableKeyRange All { get; } = new(null, null);
}

/// <summary>
/// Splits a table into partition-key ranges that can be read in parallel. Azure Tables has no statistics or
/// "distinct" query, but a query for the first key at or after a bound is an index seek that returns one row, so the
/// splitter enumerates the distinct key prefixes of length 1, 2, 3, … (one seek per prefix, skipping every key that
/// shares it) until there are at least as many as ranges, and takes range boundaries at evenly spaced prefixes. Hex,
/// ordinal and word-like keys split after a handful of seeks; the ranges always cover the whole key space without
/// overlap, so a poor guess costs balance, never correctness. Stopping at the first length with enough prefixes keeps
/// the seeks few: the storage emulator answers each by scanning the table, unlike Azure's index.
/// </summary>
public static class TableKeyRanges
{
    /// <summary>The most seeks one split makes; past it the split settles for the prefixes of the previous length.</summary>
    public const int MaxSeeks = 512;

    // Keys of Azure Tables are at most 1 KiB; no useful split needs prefixes anywhere near that long.
    private const int MaxPrefixLength = 32;

    /// <summary>Splits a table into at most <paramref name="maxRanges"/> contiguous partition-key ranges.</summary>
    /// <param name="table">The table.</param>
    /// <param name="maxRanges">The most ranges to return.</param>
    /// <param name="cancellationToken">Cancels the seeks.</param>
    /// <returns>Ranges in key order that together cover every key exactly once; <see cref="TableKeyRange.All"/> alone when the table cannot be split.</returns>
    public static async Task<IReadOnlyList<TableKeyRange>> SplitAsync(TableClient table, int maxRanges, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRanges, 1);
        List<string> prefixes = [];
        var seeks = 0;
        for (var length = 1; maxRanges > 1 && length <= MaxPrefixLength; length++)
        {
            var (found, complete, used) = await DistinctPrefixesAsync(table, length, MaxSeeks - seeks, cancellationToken);
            seeks += used;
            if (found is null)
            {
                break;
            }

            prefixes = found;
            if (prefixes.Count >= maxRanges || complete)
            {
                break;
            }
        }

        return FromBoundaries(Boundaries(prefixes, maxRanges));
    }

    /// <summary>Picks at most <paramref name="maxRanges"/> - 1 boundaries from sorted distinct prefixes, evenly spaced.</summary>
    private static List<string> Boundaries(List<string> prefixes, int maxRanges)
    {
        var count = Math.Min(maxRanges, prefixes.Count);
        var boundaries = new List<string>(Math.Max(0, count - 1));
        for (var i = 1; i < count; i++)
        {
            boundaries.Add(prefixes[(int)((long)i * prefixes.Count / count)]);
        }

        return boundaries;
    }

    private static List<TableKeyRange> FromBoundaries(List<string> boundaries)
    {
        var ranges = new List<TableKeyRange>(boundaries.Count + 1);
        string? from = null;
        foreach (var boundary in boundaries)
        {
            ranges.Add(new TableKeyRange(from, boundary));
            from = boundary;
        }

        ranges.Add(new TableKeyRange(from, null));
        return ranges;
    }

    /// <summary>
    /// The distinct prefixes of the given length (a shorter key is its own prefix), in key order, or <c>null</c> when
    /// there are more than <paramref name="budget"/>. <c>Complete</c> says every prefix was a whole key, so longer
    /// prefixes would find nothing new.
    /// </summary>
    private static async Task<(List<string>? Prefixes, bool Complete, int Seeks)> DistinctPrefixesAsync(
        TableClient table, int length, int budget, CancellationToken cancellationToken)
    {
        var prefixes = new List<string>();
        var complete = true;
        string? bound = null;
        var inclusive = true;
        for (var seeks = 0; seeks < budget; seeks++)
        {
            var key = await FirstKeyAsync(table, bound, inclusive, cancellationToken);
            if (key is null)
            {
                return (prefixes, complete, seeks + 1);
            }

            if (key.Length <= length)
            {
                prefixes.Add(key);
                (bound, inclusive) = (key, false);
                continue;
            }

            complete = false;
            var prefix = key[..length];
            prefixes.Add(prefix);

            // The smallest string above every key that starts with the prefix; when the last character has no usable
            // successor, skip just this key (slower, still correct).
            var last = prefix[^1];
            (bound, inclusive) = last < '\uD7FF'
                ? (string.Concat(prefix.AsSpan(0, length - 1), [(char)(last + 1)]), true)
                : (key, false);
        }

        return (null, false, budget);
    }

    private static async Task<string?> FirstKeyAsync(TableClient table, string? bound, bool inclusive, CancellationToken cancellationToken)
    {
        var filter = bound is null ? null
            : inclusive ? TableClient.CreateQueryFilter($"PartitionKey ge {bound}")
            : TableClient.CreateQueryFilter($"PartitionKey gt {bound}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken))
        {
            return row.PartitionKey;
        }

        return null;
    }
}
