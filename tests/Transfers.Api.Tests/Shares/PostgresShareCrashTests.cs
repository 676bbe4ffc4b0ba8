using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Npgsql;
using Transfers.Core.Warehouse;
using Transfers.Testing;
using Xunit.Abstractions;

namespace Transfers.Api.Tests.Shares;

[Collection(CrashTestCollection.Name)]
public sealed class PostgresShareCrashTests(ITestOutputHelper output)
{
    private const int RowCount = 4000;
    private const int Deleted = 1000;
    private const int Added = 500;
    private const string Schema = "crash";

    [Fact]
    public async Task Load_HostKilledMidLoad_RestartedHostLoadsEveryRowOnceAndReadersSeeOldOrNewRowsOnly()
    {
        // Arrange: 4,000 rows loaded 20 per chunk, so a load takes hundreds of chunks
        var database = await Postgres.CreateDatabaseAsync("sharecrash");
        var settings = new Dictionary<string, string>
        {
            ["Transfers__Durable__HubName"] = "pgcrash" + Guid.NewGuid().ToString("N")[..8],
            ["Transfers__Shares__SyncInterval"] = "01:00:00",
            ["Transfers__Shares__WarehouseChunkRows"] = "20",
            ["Transfers__Connections__warehouse"] = database,
        };
        var source = Azurite.Tables.GetTableClient("pgcrash" + Guid.NewGuid().ToString("N")[..10]);
        await source.CreateIfNotExistsAsync();
        await WriteRowsAsync(source, Enumerable.Range(0, RowCount), TableTransactionActionType.UpsertReplace);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var host = await HostProcess.StartAsync(settings);
        string key, shareId, transferId;
        using (var admin = host.CreateClient("test-admin-key"))
        {
            var tenant = Azurite.UniqueName("crash");
            key = await TenantKeys.IssueWithHostAccountAsync(admin, tenant);
            using var granted = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/connections", new { connection = "warehouse" });
            granted.EnsureSuccessStatusCode();
        }

        using (var client = host.CreateClient(key))
        {
            using var share = await client.PostAsJsonAsync("/v1/shares", new
            {
                name = "crash",
                source = new { container = "unused-box" },
                destination = new { kind = "postgres", connection = "warehouse", schema = Schema },
            });
            Assert.Equal(HttpStatusCode.Created, share.StatusCode);
            shareId = (await share.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            using var transfer = await client.PostAsJsonAsync($"/v1/shares/{shareId}/transfers", new
            {
                transferEntity = new object[]
                {
                    new { type = "table", name = "appended", sourceTable = source.Name, loadingPattern = "APPEND_ONLY" },
                    new { type = "table", name = "overwritten", sourceTable = source.Name, loadingPattern = "OVERWRITE" },
                },
                options = new { transferNow = true },
            });
            transferId = (await transfer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        // Act: kill the host during the first load, restart it, let it finish while a reader watches
        var appendedAtFirstKill = await Eventually.MatchAsync(() => CountAsync(database, "appended"), n => n >= 200, TimeSpan.FromSeconds(120));
        await host.KillAsync();
        var overwrittenAtFirstKill = await CountAsync(database, "overwritten");
        var loadTableAtFirstKill = await CountAsync(database, PostgresTableWriter.LoadTableName("overwritten"));
        var seenDuringFirstRecovery = new HashSet<long>();
        await using (var restarted = await HostProcess.StartAsync(settings))
        {
            using var owner = restarted.CreateClient(key);
            await WaitWatchingAsync(owner, shareId, transferId, DateTimeOffset.MinValue, database, seenDuringFirstRecovery);
            var firstAppended = await CountAsync(database, "appended");
            var firstDistinct = await ScalarAsync(database, $"SELECT count(DISTINCT \"RowKey\") FROM {Schema}.appended");
            var firstOverwritten = await CountAsync(database, "overwritten");

            // Act: change the source (1,000 rows deleted, 500 added), then a check at once (resume), killed mid-load
            using (var paused = await owner.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/pause", null))
            {
                Assert.Equal(HttpStatusCode.Accepted, paused.StatusCode);
            }

            await WriteRowsAsync(source, Enumerable.Range(0, Deleted), TableTransactionActionType.Delete);
            await WriteRowsAsync(source, Enumerable.Range(RowCount, Added), TableTransactionActionType.UpsertReplace);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var resumedAt = DateTimeOffset.UtcNow;
            using (var resumed = await owner.PostAsync($"/v1/shares/{shareId}/transfers/{transferId}/start", null))
            {
                Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
            }

            var loadAtSecondKill = await Eventually.MatchAsync(
                () => CountAsync(database, PostgresTableWriter.LoadTableName("overwritten")), n => n >= 200, TimeSpan.FromSeconds(120));
            await restarted.KillAsync();
            var overwrittenAtSecondKill = await CountAsync(database, "overwritten");
            var seenDuringSecondRecovery = new HashSet<long>();
            await using var third = await HostProcess.StartAsync(settings);
            using var last = third.CreateClient(key);
            var synced = await WaitWatchingAsync(last, shareId, transferId, resumedAt, database, seenDuringSecondRecovery);

            output.WriteLine(
                $"first kill: appended {appendedAtFirstKill}, load table {loadTableAtFirstKill}; second kill: load table {loadAtSecondKill}; " +
                $"overwritten counts seen: [{string.Join(", ", seenDuringFirstRecovery)}] then [{string.Join(", ", seenDuringSecondRecovery)}]");

            // Assert: the first kill landed mid-load, before the overwritten table was swapped in
            Assert.InRange(appendedAtFirstKill, 200, RowCount - 1);
            Assert.Equal(-1, overwrittenAtFirstKill);
            Assert.InRange(loadTableAtFirstKill, 0, RowCount - 1);

            // Assert: after the first recovery, every row exactly once, and a reader saw no table or all of it
            Assert.Equal(RowCount, firstAppended);
            Assert.Equal(RowCount, firstDistinct);
            Assert.Equal(RowCount, firstOverwritten);
            Assert.Subset(new HashSet<long> { -1, RowCount }, seenDuringFirstRecovery);

            // Assert: the second kill landed mid-load too; the reader saw the old rows until the new ones were whole
            Assert.InRange(loadAtSecondKill, 200, RowCount - Deleted + Added - 1);
            Assert.Equal(RowCount, overwrittenAtSecondKill);
            Assert.Subset(new HashSet<long> { RowCount, RowCount - Deleted + Added }, seenDuringSecondRecovery);
            Assert.Equal(RowCount - Deleted + Added, await CountAsync(database, "overwritten"));
            Assert.Equal(0L, await ScalarAsync(database, $"SELECT count(*) FROM {Schema}.overwritten WHERE \"RowKey\" < 'r{Deleted:D5}'"));
            Assert.Equal(RowCount + Added, await CountAsync(database, "appended"));
            Assert.Equal(RowCount + Added, await ScalarAsync(database, $"SELECT count(DISTINCT \"RowKey\") FROM {Schema}.appended"));
            Assert.Equal(-1, await CountAsync(database, PostgresTableWriter.LoadTableName("overwritten")));
            Assert.Empty(synced.GetProperty("errors").EnumerateArray());
        }
    }

    /// <summary>Waits for a check started after a time, reading the overwritten table's count all along.</summary>
    private static Task<JsonElement> WaitWatchingAsync(
        HttpClient client, string shareId, string transferId, DateTimeOffset after, string database, HashSet<long> seen) =>
        Eventually.MatchAsync(
            async () =>
            {
                seen.Add(await CountAsync(database, "overwritten"));
                return await ShareFiles.GetTransferAsync(client, shareId, transferId);
            },
            t => t.GetProperty("status").GetString() == "synced" &&
                t.TryGetProperty("lastSync", out var sync) && sync.GetProperty("startedAt").GetDateTimeOffset() > after,
            TimeSpan.FromSeconds(240));

    private static async Task WriteRowsAsync(TableClient table, IEnumerable<int> rows, TableTransactionActionType action)
    {
        // A transaction holds at most 100 rows of one partition.
        foreach (var batch in rows.GroupBy(i => i / 100))
        {
            await table.SubmitTransactionAsync(batch.Select(i =>
                new TableTransactionAction(action, new TableEntity($"p{i / 100:D3}", $"r{i:D5}") { ["Value"] = i }, ETag.All)));
        }
    }

    /// <summary>The rows of a table of the schema, or -1 when it does not exist.</summary>
    private static async Task<long> CountAsync(string database, string table)
    {
        try
        {
            return await ScalarAsync(database, $"SELECT count(*) FROM {Schema}.\"{table}\"");
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return -1;
        }
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
