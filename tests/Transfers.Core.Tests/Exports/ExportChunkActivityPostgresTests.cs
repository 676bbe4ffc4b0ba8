using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Transfers.Core.Configuration;
using Transfers.Core.DurableTask;
using Transfers.Core.Exports;
using Transfers.Core.Storage;
using Transfers.Core.Tabular;
using Transfers.Core.Tenants;
using Transfers.Core.Tests.Warehouse;
using Transfers.Core.Warehouse;
using Transfers.Testing;

namespace Transfers.Core.Tests.Exports;

/// <summary>
/// <see cref="ExportChunkActivity"/> into a postgres destination, on Azurite and the test PostgreSQL server: each test
/// has a database of its own, configured as the connection <c>warehouse</c> and granted to tenant <c>acme</c>.
/// </summary>
public sealed class ExportChunkActivityPostgresTests : IAsyncLifetime
{
    private const string Tenant = "acme";
    private const string WarehouseConnection = "warehouse";
    private const string Schema = "feed";
    private static readonly DateTimeOffset s_updatedAt = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _transferId = ExportTransfer.NewId(DateTimeOffset.UtcNow);
    private TestWarehouse? _warehouse;
    private ExportChunkActivity? _activity;

    private TestWarehouse Warehouse => _warehouse ?? throw new InvalidOperationException("Not initialized.");

    private ExportChunkActivity Activity => _activity ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        _warehouse = await TestWarehouse.CreateAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            [$"Transfers:Connections:{WarehouseConnection}"] = _warehouse.ConnectionString,
            [$"Transfers:Grants:{Tenant}:default"] = "*",
            [$"Transfers:Grants:{Tenant}:{WarehouseConnection}"] = "*",
        }).Build();
        var options = Mock.Of<IOptionsMonitor<TransfersOptions>>(o => o.CurrentValue == new TransfersOptions());
        var connections = new StorageConnections(configuration, options);
        var policy = new StorageAccessPolicy(connections, new PostgresConnections(configuration, options), new ConnectionGrantStore(connections, configuration, TimeProvider.System), configuration);
        var tables = new ExportsTables(connections);
        _activity = new ExportChunkActivity(
            connections,
            _warehouse,
            policy,
            new ExportTransferStore(tables),
            new ExportDebugLog(tables),
            Mock.Of<IOptionsMonitor<ExportsOptions>>(o => o.CurrentValue == new ExportsOptions()),
            NullLogger<ExportChunkActivity>.Instance);
    }

    public async Task DisposeAsync()
    {
        if (_warehouse is not null)
        {
            await _warehouse.DisposeAsync();
        }
    }

    [Fact]
    public async Task RunAsync_SameChunkTwice_UpsertsEachRowOnce()
    {
        // Arrange
        var source = await SeedAsync(Enumerable.Range(0, 30).Select(i => Row($"p{i % 3}", i)));
        var input = Chunk(Model(source));

        // Act: the second run is the retry of a chunk whose first attempt committed.
        var first = await Activity.RunAsync(new ActivityContext(nameof(ExportChunkActivity), "test"), input);
        var retried = await Activity.RunAsync(new ActivityContext(nameof(ExportChunkActivity), "test"), input);

        // Assert
        Assert.Equal(30, first.Rows);
        Assert.Equal(30, retried.Rows);
        Assert.True(first.Bytes > 0);
        Assert.Equal(first.Bytes, retried.Bytes);
        Assert.Null(first.File);
        Assert.Equal(30L, await Warehouse.ScalarAsync<long>("SELECT count(*) FROM feed.orders"));
        Assert.Equal(30L, await Warehouse.ScalarAsync<long>("SELECT count(DISTINCT id) FROM feed.orders"));
        Assert.Equal("PRIMARY KEY (id)", await Warehouse.ScalarAsync<string>("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'feed.orders'::regclass AND contype = 'p'"));
    }

    [Fact]
    public async Task RunAsync_ModelWithColumns_LandsOnlyThoseColumns()
    {
        // Arrange
        var source = await SeedAsync(Enumerable.Range(0, 5).Select(i => Row("p", i)));
        var model = Model(source) with { Columns = ["id", "name"] };

        // Act
        var result = await Activity.RunAsync(new ActivityContext(nameof(ExportChunkActivity), "test"), Chunk(model));

        // Assert
        Assert.Equal(5, result.Rows);
        Assert.Equal(["id", "name"], await ColumnsAsync("orders"));
        Assert.Equal("row 3", await Warehouse.ScalarAsync<string>("SELECT name FROM feed.orders WHERE id = '3'"));
    }

    [Fact]
    public async Task RunAsync_EveryTableType_LandsInItsPostgresType()
    {
        // Arrange: one row holding a value of each type the table service stores.
        var guid = Guid.NewGuid();
        var at = new DateTimeOffset(2024, 2, 29, 23, 59, 58, 123, TimeSpan.Zero);
        var source = await SeedAsync([new TableEntity("p", "r1")
        {
            ["id"] = "k1",
            ["text_value"] = "hello",
            ["int_value"] = 42,
            ["long_value"] = 9_000_000_000L,
            ["double_value"] = 2.5,
            ["bool_value"] = true,
            ["date_value"] = at,
            ["guid_value"] = guid,
            ["binary_value"] = new byte[] { 1, 2, 255 },
            ["last_updated_at"] = s_updatedAt,
        }]);

        // Act
        await Activity.RunAsync(new ActivityContext(nameof(ExportChunkActivity), "test"), Chunk(Model(source)));

        // Assert: every source column keeps its name, the keys too; the service's own Timestamp is not a column.
        var types = await Warehouse.RowsAsync(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a " +
            "WHERE a.attrelid = 'feed.orders'::regclass AND a.attnum > 0 AND NOT a.attisdropped");
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["PartitionKey"] = "text",
                ["RowKey"] = "text",
                ["id"] = "text",
                ["text_value"] = "text",
                ["int_value"] = "integer",
                ["long_value"] = "bigint",
                ["double_value"] = "double precision",
                ["bool_value"] = "boolean",
                ["date_value"] = "timestamp with time zone",
                ["guid_value"] = "uuid",
                ["binary_value"] = "bytea",
                ["last_updated_at"] = "timestamp with time zone",
            },
            types.ToDictionary(r => (string)r[0]!, r => (string)r[1]!));
        var row = Assert.Single(await Warehouse.RowsAsync(
            "SELECT text_value, int_value, long_value, double_value, bool_value, date_value, guid_value, binary_value, last_updated_at, \"PartitionKey\", \"RowKey\" FROM feed.orders"));
        Assert.Equal<object?[]>(["hello", 42, 9_000_000_000L, 2.5, true, at.UtcDateTime, guid, new byte[] { 1, 2, 255 }, s_updatedAt.UtcDateTime, "p", "r1"], row);
    }

    [Fact]
    public async Task RunAsync_ParallelChunksOfOneModelBringingNewColumns_LandEveryRowOnce()
    {
        // Arrange: four key ranges, as MaxParallelChunks 4 splits p0 … p3; only p3's rows have a column 'note', so a
        // chunk adds it to the table while the others upsert.
        var source = await SeedAsync(Enumerable.Range(0, 400).Select(i =>
        {
            var row = Row($"p{i % 4}", i);
            if (i % 4 == 3)
            {
                row["note"] = $"note {i}";
            }

            return row;
        }));
        var model = Model(source);
        TableKeyRange[] ranges = [new(null, "p1"), new("p1", "p2"), new("p2", "p3"), new("p3", null)];

        // Act: every range at once, twice over (a whole model retried).
        for (var run = 0; run < 2; run++)
        {
            await Task.WhenAll(ranges.Select((range, i) =>
                Activity.RunAsync(new ActivityContext(nameof(ExportChunkActivity), "test"), Chunk(model) with { ChunkIndex = i, KeyRange = range })));
        }

        // Assert
        Assert.Equal(400L, await Warehouse.ScalarAsync<long>("SELECT count(*) FROM feed.orders"));
        Assert.Equal(400L, await Warehouse.ScalarAsync<long>("SELECT count(DISTINCT id) FROM feed.orders"));
        Assert.Equal(100L, await Warehouse.ScalarAsync<long>("SELECT count(note) FROM feed.orders"));
        Assert.Equal("note 7", await Warehouse.ScalarAsync<string>("SELECT note FROM feed.orders WHERE id = '7'"));
    }

    [Fact]
    public async Task RunAsync_SchemaOutsideTheTenantsGrant_RefusesBeforeWriting()
    {
        // Arrange: the grant was confined since the destination was saved; the reserved schema is never granted.
        var source = await SeedAsync([Row("p", 1)]);
        var input = Chunk(Model(source)) with { Destination = Target() with { Schema = PostgresNames.StateSchema } };

        // Act
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Activity.RunAsync(new ActivityContext(nameof(ExportChunkActivity), "test"), input));

        // Assert
        Assert.Contains("reserved", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Warehouse.ScalarAsync<long>($"SELECT count(*) FROM pg_namespace WHERE nspname = '{PostgresNames.StateSchema}'"));
    }

    private static TableEntity Row(string partition, int id) => new(partition, id.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))
    {
        ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["name"] = $"row {id}",
        ["version"] = 1,
        ["last_updated_at"] = s_updatedAt,
    };

    private static async Task<string> SeedAsync(IEnumerable<TableEntity> rows)
    {
        var table = Azurite.UniqueName("exsrc");
        var client = Azurite.Tables.GetTableClient(table);
        await client.CreateIfNotExistsAsync();
        var writer = new TableBatchWriter(client, maxParallelBatches: 8);
        foreach (var row in rows)
        {
            await writer.AddAsync(row);
        }

        await writer.FlushAsync();
        return table;
    }

    private static ExportModelPlan Model(string sourceTable) => new(
        "orders", sourceTable, StorageConnections.DefaultName, ["id"], "last_updated_at", null, new ExportWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow));

    private static ExportTarget Target() =>
        new("dst_1", ExportVendors.Postgres, WarehouseConnection, null, null, string.Empty, RowFileFormat.Jsonl, RowFileCompression.Gzip, Schema);

    private ExportChunkInput Chunk(ExportModelPlan model) =>
        new(Tenant, _transferId, false, Target(), model, 0, TableKeyRange.All, null, 1_000, 0, 0);

    private async Task<List<string>> ColumnsAsync(string table) =>
        [.. (await Warehouse.RowsAsync($"SELECT attname FROM pg_attribute WHERE attrelid = 'feed.{table}'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")).Select(r => (string)r[0]!)];
}
