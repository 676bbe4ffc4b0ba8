using Azure.Data.Tables;
using Transfers.Core.Tabular;
using Transfers.Testing;

namespace Transfers.Core.Tests.Tabular;

public sealed class TableKeyRangesTests
{
    [Fact]
    public async Task SplitAsync_OrdinalPartitions_RangesAtPrefixBoundariesReadEveryRowOnce()
    {
        var table = await SeedAsync(Enumerable.Range(0, 64).Select(p => $"p{p:D2}"), rowsPerPartition: 5);

        var ranges = await TableKeyRanges.SplitAsync(table, 4);
        var perRange = await Task.WhenAll(ranges.Select(r => ReadKeysAsync(table, r)));

        // Prefixes of length 2 (p0 … p6) are the first that are enough for four ranges.
        Assert.Equal([new TableKeyRange(null, "p1"), new TableKeyRange("p1", "p3"), new TableKeyRange("p3", "p5"), new TableKeyRange("p5", null)], ranges);
        Assert.Equal([50, 100, 100, 70], perRange.Select(k => k.Count));
        Assert.Equal(320, perRange.SelectMany(k => k).Distinct().Count());
    }

    [Fact]
    public async Task SplitAsync_HexKeysOfOneRowEach_SplitsByPrefixAndCoversEveryKey()
    {
        var keys = Enumerable.Range(0, 500).Select(i => ((uint)i * 2654435761u).ToString("x8", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var table = await SeedAsync(keys, rowsPerPartition: 1);

        var ranges = await TableKeyRanges.SplitAsync(table, 8);
        var perRange = await Task.WhenAll(ranges.Select(r => ReadKeysAsync(table, r)));

        Assert.Equal(8, ranges.Count);
        Assert.All(perRange, k => Assert.InRange(k.Count, 20, 110));
        Assert.Equal(keys.Order(StringComparer.Ordinal), perRange.SelectMany(k => k).Select(k => k.Split('/')[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SplitAsync_FewerPartitionsThanRanges_OneRangePerPartition()
    {
        var table = await SeedAsync(["a", "b", "c"], rowsPerPartition: 2);

        var ranges = await TableKeyRanges.SplitAsync(table, 8);

        Assert.Equal([new TableKeyRange(null, "b"), new TableKeyRange("b", "c"), new TableKeyRange("c", null)], ranges);
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(3, 1)]
    public async Task SplitAsync_EmptyTableOrOneRange_WholeTable(int partitions, int maxRanges)
    {
        var table = await SeedAsync(Enumerable.Range(0, partitions).Select(p => $"p{p}"), rowsPerPartition: 1);

        var ranges = await TableKeyRanges.SplitAsync(table, maxRanges);

        Assert.Equal([TableKeyRange.All], ranges);
    }

    private static async Task<TableClient> SeedAsync(IEnumerable<string> partitions, int rowsPerPartition)
    {
        var table = Azurite.Tables.GetTableClient(Azurite.UniqueName("split"));
        await table.CreateIfNotExistsAsync();
        var writer = new TableBatchWriter(table, maxParallelBatches: 16);
        foreach (var partition in partitions)
        {
            for (var r = 0; r < rowsPerPartition; r++)
            {
                await writer.AddAsync(new TableEntity(partition, $"r{r}"));
            }
        }

        await writer.FlushAsync();
        return table;
    }

    private static async Task<List<string>> ReadKeysAsync(TableClient table, TableKeyRange range)
    {
        var keys = new List<string>();
        var query = new TableRowQuery { PartitionKeyFrom = range.From, PartitionKeyTo = range.To, Columns = ["RowKey"] };
        await foreach (var page in TableRowReader.ReadPagesAsync(table, query))
        {
            keys.AddRange(page.Rows.Select(r => r.PartitionKey + "/" + r.RowKey));
        }

        return keys;
    }
}
