using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Transfers.Core.Configuration;
using Transfers.Core.Shares;
using Transfers.Core.Storage;
using Transfers.Testing;

namespace Transfers.Core.Tests.Warehouse;

public sealed class PostgresShareTableLoaderTests
{
    private const string Schema = "shared";

    private static readonly StorageConnections s_connections = new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Azurite.ConnectionString }).Build(),
        Mock.Of<IOptionsMonitor<TransfersOptions>>(o => o.CurrentValue == new TransfersOptions()));

    private readonly Clock _clock = new();

    [Fact]
    public async Task LoadChunkAsync_AppendOnlyInSeveralChunks_AppendsEachWindowsRowsOnce()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var source = await SeedAsync(Enumerable.Range(0, 25).Select(i => Row(i, i)));
        var table = Entity(source, LoadingPatterns.AppendOnly);

        var first = await LoadCycleAsync(warehouse, table, cycle: 1);
        await source.UpsertEntityAsync(Row(1, 100));
        await source.AddEntityAsync(Row(30, 30));
        var second = await LoadCycleAsync(warehouse, table, cycle: 2);

        Assert.Equal([10, 10, 5], first);
        Assert.Equal([2], second);
        Assert.Equal(27L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items"));
        Assert.Equal(2L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items WHERE \"Id\" = 'k01'"));
    }

    [Fact]
    public async Task LoadChunkAsync_FirstAppendOnlyLoad_LeavesRowsWrittenAfterItsWindowToTheNextCheck()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var source = await SeedAsync(Enumerable.Range(0, 15).Select(i => Row(i, i)));
        var table = Entity(source, LoadingPatterns.AppendOnly);
        await Task.Delay(50);
        _clock.Now = DateTimeOffset.UtcNow.AddSeconds(1);
        await Task.Delay(50);
        await source.AddEntityAsync(Row(20, 20));
        await source.AddEntityAsync(Row(21, 21));
        var loader = Loader(warehouse);

        var first = await loader.LoadChunkAsync(Load(table, cycle: 1, continuation: null));
        var last = await loader.LoadChunkAsync(Load(table, cycle: 1, continuation: first.Continuation));
        var afterFirstCheck = await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items");
        await LoadCycleAsync(warehouse, table, cycle: 2);

        Assert.Null(last.Continuation);
        Assert.Equal(15L, first.RowsWritten + last.RowsWritten);
        Assert.Equal(15L, afterFirstCheck);
        Assert.Equal(17L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items"));
        Assert.Equal(1L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items WHERE \"Id\" = 'k21'"));
    }

    [Fact]
    public async Task LoadChunkAsync_UpdateAndAppendInSeveralChunks_UpsertsByPrimaryKey()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var source = await SeedAsync(Enumerable.Range(0, 25).Select(i => Row(i, i)));
        var table = Entity(source, LoadingPatterns.UpdateAndAppend, "Id");
        await LoadCycleAsync(warehouse, table, cycle: 1);

        await source.UpsertEntityAsync(Row(1, 100));
        await source.AddEntityAsync(Row(30, 30));
        await LoadCycleAsync(warehouse, table, cycle: 2);

        Assert.Equal(26L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items"));
        Assert.Equal(100, await warehouse.ScalarAsync<int>("SELECT \"Value\" FROM shared.items WHERE \"Id\" = 'k01'"));
        Assert.Equal(
            "PRIMARY KEY (\"Id\")",
            await warehouse.ScalarAsync<string>("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'shared.items'::regclass AND contype = 'p'"));
    }

    [Fact]
    public async Task LoadChunkAsync_OverwriteBeforeItsLastChunk_ReadersSeeOldRowsThenAllNewOnes()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var source = await SeedAsync(Enumerable.Range(0, 25).Select(i => Row(i, i)));
        var table = Entity(source, LoadingPatterns.Overwrite, "Id");
        await LoadCycleAsync(warehouse, table, cycle: 1);
        for (var i = 0; i < 10; i++)
        {
            await source.DeleteEntityAsync("p", Key(i));
        }

        await source.UpsertEntityAsync(Row(20, 200));
        var loader = Loader(warehouse);

        var chunk = await loader.LoadChunkAsync(Load(table, cycle: 2, continuation: null));
        var during = await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items");
        var duringValue = await warehouse.ScalarAsync<int>("SELECT \"Value\" FROM shared.items WHERE \"Id\" = 'k20'");
        var last = await loader.LoadChunkAsync(Load(table, cycle: 2, continuation: chunk.Continuation));

        Assert.NotNull(chunk.Continuation);
        Assert.Equal(25L, during);
        Assert.Equal(20, duringValue);
        Assert.Null(last.Continuation);
        Assert.Equal(15L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items"));
        Assert.Equal(200, await warehouse.ScalarAsync<int>("SELECT \"Value\" FROM shared.items WHERE \"Id\" = 'k20'"));
        Assert.Equal(1L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'shared'"));
    }

    [Fact]
    public async Task LoadChunkAsync_AppendChunkRetriedAfterCommit_ReturnsRecordedResultAndWritesNothingTwice()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var source = await SeedAsync(Enumerable.Range(0, 25).Select(i => Row(i, i)));
        var table = Entity(source, LoadingPatterns.AppendOnly);
        var loader = Loader(warehouse);
        _clock.Now = DateTimeOffset.UtcNow.AddSeconds(1);
        var first = await loader.LoadChunkAsync(Load(table, cycle: 1, continuation: null));
        var second = await loader.LoadChunkAsync(Load(table, cycle: 1, continuation: first.Continuation));

        var retriedSecond = await loader.LoadChunkAsync(Load(table, cycle: 1, continuation: first.Continuation));

        Assert.Equal(second, retriedSecond);
        Assert.Equal(20L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items"));
    }

    [Fact]
    public async Task LoadChunkAsync_SourceColumnAddedLater_AddsColumnKeepingEarlierRows()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var source = await SeedAsync(Enumerable.Range(0, 5).Select(i => Row(i, i)));
        var table = Entity(source, LoadingPatterns.UpdateAndAppend, "Id");
        await LoadCycleAsync(warehouse, table, cycle: 1);
        var later = Row(7, 7);
        later["Note"] = "{\"tag\":\"x\"}";
        await source.AddEntityAsync(later);

        await LoadCycleAsync(warehouse, table, cycle: 2);

        Assert.Equal(6L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items"));
        Assert.Equal("x", await warehouse.ScalarAsync<string>("SELECT \"Note\"->>'tag' FROM shared.items WHERE \"Id\" = 'k07'"));
        Assert.Equal(5L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items WHERE \"Note\" IS NULL"));
    }

    [Fact]
    public async Task LoadChunkAsync_ChunkThatCannotBeStored_FailsAndLeavesTableAndStateAsBefore()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var source = await SeedAsync(Enumerable.Range(0, 5).Select(i => Row(i, i)));
        var table = Entity(source, LoadingPatterns.AppendOnly);
        await LoadCycleAsync(warehouse, table, cycle: 1);
        var state = await warehouse.RowsAsync("SELECT watermark, chunk_cycle FROM transfers_state.share_table_loads");
        await source.AddEntityAsync(Row(10, 10));
        var bad = Row(11, 0);
        bad["Value"] = "eleven";
        await source.AddEntityAsync(bad);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LoadCycleAsync(warehouse, table, cycle: 2));

        Assert.Contains("'Value' is integer", error.Message, StringComparison.Ordinal);
        Assert.Equal(5L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM shared.items"));
        Assert.Equal(state[0], (await warehouse.RowsAsync("SELECT watermark, chunk_cycle FROM transfers_state.share_table_loads"))[0]);
    }

    private static ShareTableEntity Entity(TableClient source, string pattern, params string[] key) =>
        new("items", source.Name, pattern, key.Length == 0 ? null : key, null);

    private static ShareTableLoad Load(ShareTableEntity table, long cycle, string? continuation) =>
        new("state-1", cycle, new ShareSource(null, "unused", null), new ShareDestination(ShareDestinationKinds.Postgres, "warehouse", null, null, null, Schema), table, continuation);

    private static string Key(int i) => "k" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture);

    private static TableEntity Row(int i, int value) => new("p", Key(i)) { ["Id"] = Key(i), ["Value"] = value };

    private static async Task<TableClient> SeedAsync(IEnumerable<TableEntity> rows)
    {
        var table = Azurite.Tables.GetTableClient(Azurite.UniqueName("pgsrc"));
        await table.CreateAsync();
        foreach (var row in rows)
        {
            await table.AddEntityAsync(row);
        }

        return table;
    }

    private PostgresShareTableLoader Loader(TestWarehouse warehouse) => new(warehouse, s_connections, _clock) { RowsPerChunk = 10 };

    /// <summary>
    /// Runs every chunk of one check and returns each chunk's row count. The clock is set so the window ends now (the
    /// loader keeps a second of slack), after the source's last write and before the next.
    /// </summary>
    private async Task<List<long>> LoadCycleAsync(TestWarehouse warehouse, ShareTableEntity table, long cycle)
    {
        await Task.Delay(50);
        _clock.Now = DateTimeOffset.UtcNow.AddSeconds(1);
        var loader = Loader(warehouse);
        var rows = new List<long>();
        string? continuation = null;
        do
        {
            var chunk = await loader.LoadChunkAsync(Load(table, cycle, continuation));
            rows.Add(chunk.RowsWritten);
            continuation = chunk.Continuation;
        }
        while (continuation is not null);
        await Task.Delay(50);
        return rows;
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
