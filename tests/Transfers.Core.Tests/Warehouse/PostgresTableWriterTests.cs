using System.Text;
using Azure.Data.Tables;
using Npgsql;
using Transfers.Core.Warehouse;

namespace Transfers.Core.Tests.Warehouse;

public sealed class PostgresTableWriterTests
{
    private const string Schema = "wh";

    [Fact]
    public async Task WriteAsync_EveryValueType_MapsToItsColumnTypeAndReadsBack()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var at = new DateTimeOffset(2024, 5, 1, 12, 30, 0, TimeSpan.FromHours(2));
        var id = Guid.NewGuid();
        var row = new TableEntity("p", "r")
        {
            ["Text"] = "hello",
            ["Int"] = 42,
            ["Long"] = 5_000_000_000L,
            ["Double"] = 1.5,
            ["Bool"] = true,
            ["When"] = at,
            ["Id"] = id,
            ["Bytes"] = new byte[] { 1, 2, 3 },
            ["Json"] = "{\"a\":[1,2]}",
            ["JsonArray"] = "[1, 2]",
            ["odata.etag"] = "W/\"x\"",
        };

        await WriteChunkAsync(warehouse, Target("types", PostgresWriteMode.Append), [[row]]);

        var types = (await warehouse.RowsAsync(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'wh.types'::regclass AND attnum > 0"))
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["PartitionKey"] = "text", ["RowKey"] = "text", ["Text"] = "text", ["Int"] = "integer", ["Long"] = "bigint",
                ["Double"] = "double precision", ["Bool"] = "boolean", ["When"] = "timestamp with time zone", ["Id"] = "uuid",
                ["Bytes"] = "bytea", ["Json"] = "jsonb", ["JsonArray"] = "jsonb",
            },
            types);
        var values = (await warehouse.RowsAsync(
            "SELECT \"Text\", \"Int\", \"Long\", \"Double\", \"Bool\", \"When\", \"Id\", \"Bytes\", \"Json\"->'a'->>1, jsonb_array_length(\"JsonArray\") FROM wh.types"))[0];
        Assert.Equal("hello", values[0]);
        Assert.Equal(42, values[1]);
        Assert.Equal(5_000_000_000L, values[2]);
        Assert.Equal(1.5, values[3]);
        Assert.Equal(true, values[4]);
        Assert.Equal(at.UtcDateTime, values[5]);
        Assert.Equal(id, values[6]);
        Assert.Equal(new byte[] { 1, 2, 3 }, values[7]);
        Assert.Equal("2", values[8]);
        Assert.Equal(2, values[9]);
    }

    [Fact]
    public async Task WriteAsync_ValueOfNarrowerOrOtherTypeInLaterChunk_IsWidenedIntoTheColumn()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var target = Target("wide", PostgresWriteMode.Append);
        await WriteChunkAsync(warehouse, target, [[new TableEntity("p", "1") { ["Big"] = 1L, ["Real"] = 0.5, ["Name"] = "a", ["Doc"] = "{}" }]]);

        await WriteChunkAsync(warehouse, target, [[new TableEntity("p", "2") { ["Big"] = 7, ["Real"] = 3, ["Name"] = 9, ["Doc"] = "plain" }]]);

        var row = (await warehouse.RowsAsync("SELECT \"Big\", \"Real\", \"Name\", \"Doc\" #>> '{}' FROM wh.wide WHERE \"RowKey\" = '2'"))[0];
        Assert.Equal(7L, row[0]);
        Assert.Equal(3.0, row[1]);
        Assert.Equal("9", row[2]);
        Assert.Equal("plain", row[3]);
    }

    [Theory]
    [InlineData(new object[] { 1, 2L }, "bigint")]
    [InlineData(new object[] { 1, 2.5 }, "double precision")]
    [InlineData(new object[] { 2L, 2.5 }, "text")]
    [InlineData(new object[] { "{\"a\":1}", "plain" }, "text")]
    [InlineData(new object[] { "{\"a\":1}", "[1]" }, "jsonb")]
    [InlineData(new object[] { "{\"a\":", "[1]" }, "text")]
    [InlineData(new object[] { true, 1 }, "text")]
    public void Infer_ValuesOfANewColumn_TakeTheNarrowestTypeHoldingAll(object[] values, string type)
    {
        var inferred = PostgresColumnTypes.Infer([null, .. values]);

        Assert.Equal(type, inferred);
    }

    [Fact]
    public async Task WriteAsync_NewColumnInSecondPage_AddsColumnAndEarlierRowsGetNull()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();

        await WriteChunkAsync(
            warehouse,
            Target("grow", PostgresWriteMode.Append),
            [[new TableEntity("p", "1") { ["A"] = 1 }], [new TableEntity("p", "2") { ["A"] = 2, ["B"] = "new" }]]);

        var rows = await warehouse.RowsAsync("SELECT \"RowKey\", \"B\" FROM wh.grow ORDER BY 1");
        Assert.Equal(new object?[] { "1", null }, rows[0]);
        Assert.Equal(new object?[] { "2", "new" }, rows[1]);
    }

    [Fact]
    public async Task WriteAsync_ValueThatCannotBeStoredInSecondPage_FailsNamingItAndLeavesTableAsBefore()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var target = Target("strict", PostgresWriteMode.Append);
        await WriteChunkAsync(warehouse, target, [[new TableEntity("p", "0") { ["N"] = 1 }]]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WriteChunkAsync(
            warehouse,
            target,
            [[new TableEntity("p", "1") { ["N"] = 2, ["Extra"] = "x" }], [new TableEntity("p", "2") { ["N"] = "two" }]]));

        Assert.Contains("'strict'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'N' is integer", error.Message, StringComparison.Ordinal);
        Assert.Contains("text value", error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM wh.strict"));
        Assert.Equal(0L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'wh.strict'::regclass AND attname = 'Extra'"));
    }

    [Fact]
    public async Task WriteAsync_NullKey_FailsNamingTheKeyColumn()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WriteChunkAsync(
            warehouse, Target("keyed", PostgresWriteMode.Upsert, "Id"), [[new TableEntity("p", "1") { ["Id"] = "a" }, new TableEntity("p", "2")]]));

        Assert.Contains("key column 'Id'", error.Message, StringComparison.Ordinal);
        Assert.Null(await warehouse.ScalarAsync<string>("SELECT to_regclass('wh.keyed')::text"));
    }

    [Fact]
    public async Task CompleteAsync_UpsertWithKeyRepeatedInChunk_LastRowReadWins()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var target = Target("up", PostgresWriteMode.Upsert, "Id");
        await WriteChunkAsync(warehouse, target, [[new TableEntity("p", "1") { ["Id"] = "a", ["V"] = 1 }]]);

        await WriteChunkAsync(
            warehouse,
            target,
            [[new TableEntity("p", "2") { ["Id"] = "a", ["V"] = 2 }, new TableEntity("p", "3") { ["Id"] = "b", ["V"] = 1 }],
             [new TableEntity("p", "4") { ["Id"] = "a", ["V"] = 3 }]]);

        var rows = await warehouse.RowsAsync("SELECT \"Id\", \"V\", \"RowKey\" FROM wh.up ORDER BY 1");
        Assert.Equal(2, rows.Count);
        Assert.Equal(new object?[] { "a", 3, "4" }, rows[0]);
        Assert.Equal(new object?[] { "b", 1, "3" }, rows[1]);
    }

    [Fact]
    public async Task CompleteAsync_TwoParallelUpsertChunksIntoFreshTable_BothSucceed()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var target = Target("parallel", PostgresWriteMode.Upsert, "Id");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var both = 0;

        // Both chunks hold their transaction open until the other has staged its rows, so their table work overlaps.
        async Task ChunkAsync(string prefix, string column)
        {
            await using var connection = await warehouse.DataSource.OpenConnectionAsync();
            await PostgresTableWriter.EnsureSchemaAsync(connection, Schema);
            await using var transaction = await connection.BeginTransactionAsync();
            await using var writer = await PostgresTableWriter.BeginAsync(connection, target, startsLoad: false);
            await writer.WriteAsync([.. Enumerable.Range(0, 50).Select(i => new TableEntity("p", prefix + i) { ["Id"] = prefix + i, [column] = i })]);
            if (Interlocked.Increment(ref both) == 2)
            {
                started.SetResult();
            }

            await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await writer.CompleteAsync();
            await transaction.CommitAsync();
        }

        await Task.WhenAll(ChunkAsync("a", "X"), ChunkAsync("b", "Y"));

        Assert.Equal(100L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM wh.parallel"));
        Assert.Equal(50L, await warehouse.ScalarAsync<long>("SELECT count(\"X\") FROM wh.parallel"));
        Assert.Equal(50L, await warehouse.ScalarAsync<long>("SELECT count(\"Y\") FROM wh.parallel"));
    }

    [Fact]
    public async Task SwapAsync_Replace_KeepsGrantsOfTheOldTableAndDropsOrphanLoadTable()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var reader = "reader_" + Guid.NewGuid().ToString("N")[..12];
        var target = Target("swapped", PostgresWriteMode.Replace, "Id");
        await WriteChunkAsync(warehouse, target, [[new TableEntity("p", "1") { ["Id"] = "a" }]], swap: true);
        await warehouse.ScalarAsync<object>($"CREATE ROLE {reader}; GRANT SELECT ON wh.swapped TO {reader}");

        // An interrupted load leaves its load table; the next load's first chunk starts over.
        await WriteChunkAsync(warehouse, target, [[new TableEntity("p", "9") { ["Id"] = "z" }]]);
        await WriteChunkAsync(warehouse, target, [[new TableEntity("p", "2") { ["Id"] = "b" }]], swap: true, startsLoad: true);

        Assert.Equal("b", await warehouse.ScalarAsync<string>("SELECT string_agg(\"Id\", ',') FROM wh.swapped"));
        Assert.True(await warehouse.ScalarAsync<bool>($"SELECT has_table_privilege('{reader}', 'wh.swapped', 'SELECT')"));
        Assert.Equal(1L, await warehouse.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'wh'"));
        await warehouse.ScalarAsync<object>($"DROP OWNED BY {reader}; DROP ROLE {reader}");
    }

    [Fact]
    public async Task LoadTableName_NamesAtTheLimitSharingAPrefix_FitAndDiffer()
    {
        var first = new string('t', 62) + "a";
        var second = new string('t', 62) + "b";
        var multiByte = new string('é', 31);

        var names = new[] { first, second, multiByte }.Select(PostgresTableWriter.LoadTableName).ToList();

        Assert.All(names, n => Assert.True(Encoding.UTF8.GetByteCount(n) <= 63, n));
        Assert.Equal(3, names.Distinct(StringComparer.Ordinal).Count());
        Assert.StartsWith("éé", names[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwapAsync_TwoTablesNamedAtTheLimit_EachLoadsItsOwnRows()
    {
        await using var warehouse = await TestWarehouse.CreateAsync();
        var first = new string('t', 62) + "a";
        var second = new string('t', 62) + "b";

        await WriteChunkAsync(warehouse, Target(first, PostgresWriteMode.Replace), [[new TableEntity("p", "1")]], swap: true, startsLoad: true);
        await WriteChunkAsync(warehouse, Target(second, PostgresWriteMode.Replace), [[new TableEntity("p", "1"), new TableEntity("p", "2")]], swap: true, startsLoad: true);

        Assert.Equal(1L, await warehouse.ScalarAsync<long>($"SELECT count(*) FROM wh.{first}"));
        Assert.Equal(2L, await warehouse.ScalarAsync<long>($"SELECT count(*) FROM wh.{second}"));
        var tooLong = await Assert.ThrowsAsync<InvalidOperationException>(
            () => WriteChunkAsync(warehouse, Target(first + "x", PostgresWriteMode.Append), [[new TableEntity("p", "1")]]));
        Assert.Contains("1-63 bytes", tooLong.Message, StringComparison.Ordinal);
    }

    private static PostgresTableTarget Target(string table, PostgresWriteMode mode, params string[] keys) =>
        new(Schema, table, mode, keys.Length == 0 ? null : keys);

    private static async Task WriteChunkAsync(
        TestWarehouse warehouse, PostgresTableTarget target, IReadOnlyList<IReadOnlyList<TableEntity>> pages, bool swap = false, bool startsLoad = false)
    {
        await using NpgsqlConnection connection = await warehouse.DataSource.OpenConnectionAsync();
        await PostgresTableWriter.EnsureSchemaAsync(connection, target.Schema);
        await using var transaction = await connection.BeginTransactionAsync();
        await using var writer = await PostgresTableWriter.BeginAsync(connection, target, startsLoad);
        foreach (var page in pages)
        {
            await writer.WriteAsync(page);
        }

        await writer.CompleteAsync();
        if (swap)
        {
            await writer.SwapAsync();
        }

        await transaction.CommitAsync();
    }
}
