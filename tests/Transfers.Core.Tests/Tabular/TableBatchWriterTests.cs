using Azure.Data.Tables;
using Transfers.Core.Tabular;
using Transfers.Testing;

namespace Transfers.Core.Tests.Tabular;

public sealed class TableBatchWriterTests
{
    [Fact]
    public async Task FlushAsync_ManyPartitions_WritesEveryRowOnce()
    {
        var table = Azurite.Tables.GetTableClient(Azurite.UniqueName("tab"));
        await table.CreateIfNotExistsAsync();
        var writer = new TableBatchWriter(table, maxParallelBatches: 4, maxBufferedRows: 200);

        for (var i = 0; i < 1_234; i++)
        {
            await writer.AddAsync(new TableEntity($"p{i % 7}", TableRowReaderTests.Key(i)) { ["v"] = i });
        }

        await writer.FlushAsync();

        Assert.Equal(1_234, writer.RowsWritten);
        Assert.Equal(1_234, await CountAsync(table));
    }

    [Fact]
    public async Task AddAsync_SameKeysTwice_LastVersionWinsAndRewriteChangesNothing()
    {
        var table = Azurite.Tables.GetTableClient(Azurite.UniqueName("tab"));
        await table.CreateIfNotExistsAsync();

        for (var run = 0; run < 2; run++)
        {
            var writer = new TableBatchWriter(table);
            await writer.AddAsync(new TableEntity("p", "r") { ["v"] = 1, ["old"] = "x" });
            await writer.AddAsync(new TableEntity("p", "r") { ["v"] = 2 });
            await writer.FlushAsync();
        }

        var row = (await table.GetEntityAsync<TableEntity>("p", "r")).Value;
        Assert.Equal(1, await CountAsync(table));
        Assert.Equal(2, row.GetInt32("v"));
        Assert.False(row.ContainsKey("old"));
    }

    [Fact]
    public async Task ClearAsync_FilledTable_DeletesEveryRowAndKeepsTable()
    {
        var table = await TableRowReaderTests.SeedAsync(rows: 450, partitions: 3);

        var deleted = await TableBatchWriter.ClearAsync(table);

        Assert.Equal(450, deleted);
        Assert.Equal(0, await CountAsync(table));
    }

    [Fact]
    public async Task ClearAsync_MissingTable_ReturnsZero()
    {
        var table = Azurite.Tables.GetTableClient(Azurite.UniqueName("none"));

        Assert.Equal(0, await TableBatchWriter.ClearAsync(table));
    }

    private static async Task<int> CountAsync(TableClient table)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            count++;
        }

        return count;
    }
}
