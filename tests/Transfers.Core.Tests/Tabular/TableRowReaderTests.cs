using Azure.Data.Tables;
using Transfers.Core.Tabular;
using Transfers.Testing;

namespace Transfers.Core.Tests.Tabular;

public sealed class TableRowReaderTests
{
    private static readonly DateTimeOffset s_t0 = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadPagesAsync_Window_ReturnsExactlyRowsInHalfOpenWindow()
    {
        var table = await SeedAsync(rows: 300, partitions: 3);
        var query = new TableRowQuery { TimestampColumn = "last_updated_at", From = s_t0.AddMinutes(100), To = s_t0.AddMinutes(200) };

        var keys = await ReadKeysAsync(table, query);

        Assert.Equal(Enumerable.Range(100, 100).Select(Key).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadPagesAsync_WindowCheckedInHost_ReturnsTheRowsTheServiceWouldWithoutTheExtraColumn()
    {
        var table = await SeedAsync(rows: 2_300, partitions: 3);
        var byService = new TableRowQuery { TimestampColumn = "last_updated_at", From = s_t0.AddMinutes(100), To = s_t0.AddMinutes(2_200), Columns = ["name"] };
        var inHost = byService with { WindowCheckedInHost = true };
        var rows = new List<TableEntity>();

        await foreach (var page in TableRowReader.ReadPagesAsync(table, inHost))
        {
            rows.AddRange(page.Rows);
        }

        Assert.Equal(2_100, rows.Count);
        Assert.Equal((await ReadKeysAsync(table, byService)).Order(StringComparer.Ordinal), rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.False(r.ContainsKey("last_updated_at")));
        Assert.All(rows, r => Assert.True(r.ContainsKey("name")));
    }

    [Fact]
    public async Task ReadAsync_WindowCheckedInHost_ChunksCountRowsScannedAndReturnRowsInWindow()
    {
        var table = await SeedAsync(rows: 1_000, partitions: 1);
        var query = new TableRowQuery { TimestampColumn = "last_updated_at", From = s_t0.AddMinutes(100), To = s_t0.AddMinutes(900), WindowCheckedInHost = true };
        var seen = new List<string>();
        var sizes = new List<long>();
        string? token = null;

        do
        {
            var result = await TableRowReader.ReadAsync(table, query, token, maxRows: 400, (page, _) =>
            {
                seen.AddRange(page.Select(r => r.RowKey));
                return ValueTask.CompletedTask;
            });
            sizes.Add(result.Rows);
            token = result.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal([300, 400, 100], sizes);
        Assert.Equal(Enumerable.Range(100, 800).Select(Key), seen);
    }

    [Fact]
    public async Task ReadAsync_ChunksByMaxRows_EachRowOnceAndChunksExact()
    {
        var table = await SeedAsync(rows: 2_500, partitions: 4);
        var seen = new List<string>();
        var sizes = new List<long>();
        string? token = null;

        do
        {
            var result = await TableRowReader.ReadAsync(table, new TableRowQuery(), token, maxRows: 700, (page, _) =>
            {
                seen.AddRange(page.Select(r => r.RowKey));
                return ValueTask.CompletedTask;
            });
            sizes.Add(result.Rows);
            token = result.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal([700, 700, 700, 400], sizes);
        Assert.Equal(2_500, seen.Distinct().Count());
        Assert.Equal(2_500, seen.Count);
    }

    [Fact]
    public async Task ReadAsync_SameTokenTwice_ReadsTheSameRows()
    {
        var table = await SeedAsync(rows: 1_500, partitions: 2);
        var first = await TableRowReader.ReadAsync(table, new TableRowQuery(), null, 600, (_, _) => ValueTask.CompletedTask);
        var again = new List<List<string>>();

        for (var i = 0; i < 2; i++)
        {
            var keys = new List<string>();
            await TableRowReader.ReadAsync(table, new TableRowQuery(), first.ContinuationToken, 600, (page, _) =>
            {
                keys.AddRange(page.Select(r => r.RowKey));
                return ValueTask.CompletedTask;
            });
            again.Add(keys);
        }

        Assert.Equal(600, again[0].Count);
        Assert.Equal(again[0], again[1]);
    }

    [Fact]
    public async Task ReadPagesAsync_PartitionRangeAndColumns_ReturnsRangeWithSelectedColumns()
    {
        var table = await SeedAsync(rows: 90, partitions: 3);
        var query = new TableRowQuery { PartitionKeyFrom = "p1", PartitionKeyTo = "p2", Columns = ["name"] };
        var rows = new List<TableEntity>();

        await foreach (var page in TableRowReader.ReadPagesAsync(table, query))
        {
            rows.AddRange(page.Rows);
        }

        Assert.Equal(30, rows.Count);
        Assert.All(rows, r => Assert.Equal("p1", r.PartitionKey));
        Assert.All(rows, r => Assert.False(r.ContainsKey("last_updated_at")));
        Assert.All(rows, r => Assert.StartsWith("name-", r.GetString("name"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadPagesAsync_EmptyResult_YieldsOneEmptyFinalPage()
    {
        var table = await SeedAsync(rows: 10, partitions: 1);
        var query = new TableRowQuery { TimestampColumn = "last_updated_at", From = s_t0.AddYears(1) };
        var pages = new List<TableRowPage>();

        await foreach (var page in TableRowReader.ReadPagesAsync(table, query))
        {
            pages.Add(page);
        }

        Assert.Single(pages);
        Assert.Empty(pages[0].Rows);
        Assert.Null(pages[0].ContinuationToken);
    }

    internal static string Key(int i) => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    internal static async Task<TableClient> SeedAsync(int rows, int partitions)
    {
        var table = Azurite.Tables.GetTableClient(Azurite.UniqueName("tab"));
        await table.CreateIfNotExistsAsync();
        var writer = new TableBatchWriter(table);
        for (var i = 0; i < rows; i++)
        {
            await writer.AddAsync(new TableEntity($"p{i % partitions}", Key(i))
            {
                ["name"] = $"name-{i}",
                ["last_updated_at"] = s_t0.AddMinutes(i),
            });
        }

        await writer.FlushAsync();
        return table;
    }

    private static async Task<List<string>> ReadKeysAsync(TableClient table, TableRowQuery query)
    {
        var keys = new List<string>();
        await foreach (var page in TableRowReader.ReadPagesAsync(table, query))
        {
            keys.AddRange(page.Rows.Select(r => r.RowKey));
        }

        return keys;
    }
}
