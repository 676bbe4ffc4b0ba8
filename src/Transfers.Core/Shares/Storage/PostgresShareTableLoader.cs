using Npgsql;
using Transfers.Core.Storage;
using Transfers.Core.Tabular;
using Transfers.Core.Warehouse;

namespace Transfers.Core.Shares;

/// <summary>
/// Loads share tables into a PostgreSQL warehouse as <c>&lt;schema&gt;.&lt;transfer entity name&gt;</c>, one chunk of at
/// most <see cref="ChunkRows"/> rows per call, each in one transaction that also records the chunk in the warehouse:
/// <list type="bullet">
/// <item><c>APPEND_ONLY</c>: rows whose <c>Timestamp</c> is in the window (last watermark, bound fixed by the check's first chunk] are appended.</item>
/// <item><c>UPDATE_AND_APPEND</c>: the same rows, upserted by the primary key.</item>
/// <item><c>OVERWRITE</c>: every row goes to a load table, swapped in by the last chunk, so readers see the old table or the new one.</item>
/// </list>
/// The state (table <see cref="StateTable"/> in <see cref="PostgresNames.StateSchema"/>) holds per state key and table
/// the watermark, the pending bound and the last committed chunk. A chunk whose check and start continuation equal the
/// last committed one returns what was recorded and writes nothing: the activity was retried after its commit.
/// </summary>
public sealed class PostgresShareTableLoader : IShareTableLoader
{
    /// <summary>The table, in <see cref="PostgresNames.StateSchema"/>, that holds the load state.</summary>
    public const string StateTable = "share_table_loads";

    /// <summary>The most rows one chunk reads.</summary>
    public const int ChunkRows = TabularShareTableLoader.ChunkRows;

    private const string TimestampColumn = "Timestamp";
    private static readonly string s_state = PostgresNames.Qualified(PostgresNames.StateSchema, StateTable);
    private readonly IPostgresDataSources _warehouses;
    private readonly StorageConnections _connections;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="PostgresShareTableLoader"/> class.</summary>
    /// <param name="warehouses">The PostgreSQL connections.</param>
    /// <param name="connections">The storage connections the sources are read through.</param>
    /// <param name="time">The clock.</param>
    public PostgresShareTableLoader(IPostgresDataSources warehouses, StorageConnections connections, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(warehouses);
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(time);
        _warehouses = warehouses;
        _connections = connections;
        _time = time;
    }

    /// <summary>Gets the most rows one chunk reads; lowered by tests to load a few rows in several chunks.</summary>
    internal int RowsPerChunk { get; init; } = ChunkRows;

    /// <inheritdoc/>
    public async Task<ShareTableChunkResult> LoadChunkAsync(ShareTableLoad load, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(load);
        var table = load.Table;
        var schema = load.Destination.Schema ?? throw new InvalidOperationException("The postgres destination has no schema.");
        var source = _connections.Tables(load.Source.Connection).GetTableClient(table.SourceTable);
        var mode = table.LoadingPattern switch
        {
            LoadingPatterns.AppendOnly => PostgresWriteMode.Append,
            LoadingPatterns.UpdateAndAppend => PostgresWriteMode.Upsert,
            LoadingPatterns.Overwrite => PostgresWriteMode.Replace,
            var other => throw new InvalidOperationException($"Unknown loading pattern '{other}'."),
        };

        // An appended table keeps every version of a row, so its key columns cannot be unique.
        var target = new PostgresTableTarget(schema, table.Name, mode, mode == PostgresWriteMode.Append ? null : table.PrimaryKey);

        var warehouse = load.Destination.Connection ?? throw new InvalidOperationException("The postgres destination names no connection.");
        await using var connection = await _warehouses.Get(warehouse).OpenConnectionAsync(cancellationToken);
        try
        {
            await EnsureStateTableAsync(connection, cancellationToken);
            await PostgresTableWriter.EnsureSchemaAsync(connection, schema, cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var state = await LockStateAsync(connection, load, cancellationToken);
            if (state.ChunkCycle == load.Cycle && state.ChunkFrom == load.Continuation)
            {
                return new ShareTableChunkResult(state.ChunkRows, state.ChunkTo);
            }

            var to = state.PendingCycle == load.Cycle && state.PendingTo is { } pending
                ? pending

                // A second of slack: rows committed just before now may carry a slightly later server timestamp.
                : _time.GetUtcNow().AddSeconds(-1);

            // A first load (no watermark) takes nearly every row, so its window is checked here rather than sent as a
            // filter: a filter saves no reads then, and the storage emulator would compare every row's date for every
            // page (3.4x its CPU over a 200,000-row scan, bench/results/warehouse.md).
            var query = mode == PostgresWriteMode.Replace
                ? new TableRowQuery()
                : new TableRowQuery { TimestampColumn = TimestampColumn, From = state.Watermark, To = to, WindowCheckedInHost = state.Watermark is null };

            await using var writer = await PostgresTableWriter.BeginAsync(connection, target, startsLoad: load.Continuation is null, cancellationToken);
            var read = await TableRowReader.ReadAsync(source, query, load.Continuation, RowsPerChunk, writer.WriteAsync, cancellationToken);
            await writer.CompleteAsync(cancellationToken);
            var done = read.ContinuationToken is null;
            if (done && mode == PostgresWriteMode.Replace)
            {
                await writer.SwapAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand(
                $"UPDATE {s_state} SET pending_cycle = @cycle, pending_to = @to, watermark = CASE WHEN @done THEN @to ELSE watermark END, " +
                "chunk_cycle = @cycle, chunk_from = @from, chunk_to = @next, chunk_rows = @rows WHERE state_key = @key AND table_name = @table",
                connection))
            {
                record.Parameters.AddWithValue("cycle", load.Cycle);
                record.Parameters.AddWithValue("to", to);
                record.Parameters.AddWithValue("done", done);
                record.Parameters.AddWithValue("from", (object?)load.Continuation ?? DBNull.Value);
                record.Parameters.AddWithValue("next", (object?)read.ContinuationToken ?? DBNull.Value);
                record.Parameters.AddWithValue("rows", writer.RowsWritten);
                record.Parameters.AddWithValue("key", load.StateKey);
                record.Parameters.AddWithValue("table", table.Name);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return new ShareTableChunkResult(writer.RowsWritten, read.ContinuationToken);
        }
        catch (PostgresException e) when (!e.IsTransient)
        {
            throw PostgresTableWriter.RefusedChunk(table.Name, e);
        }
    }

    /// <summary>Creates the state table if missing, in a transaction of its own so no chunk waits on another's commit.</summary>
    private static async Task EnsureStateTableAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand($"SELECT to_regclass('{s_state}') IS NOT NULL", connection);
        if (await exists.ExecuteScalarAsync(cancellationToken) is true)
        {
            return;
        }

        await PostgresTableWriter.EnsureSchemaAsync(connection, PostgresNames.StateSchema, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Concurrent CREATE TABLE IF NOT EXISTS can still fail on the catalog's unique index; the lock takes them in turn.
        await using var create = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock(hashtextextended('{s_state}', 0)); " +
            $"CREATE TABLE IF NOT EXISTS {s_state} (state_key text NOT NULL, table_name text NOT NULL, watermark timestamptz, " +
            "pending_cycle bigint, pending_to timestamptz, chunk_cycle bigint, chunk_from text, chunk_to text, chunk_rows bigint, " +
            "PRIMARY KEY (state_key, table_name))",
            connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Reads and locks this table's state row for the transaction, inserting it first if missing.</summary>
    private static async Task<LoadState> LockStateAsync(NpgsqlConnection connection, ShareTableLoad load, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"INSERT INTO {s_state} (state_key, table_name) VALUES (@key, @table) ON CONFLICT DO NOTHING")
                {
                    Parameters = { new("key", load.StateKey), new("table", load.Table.Name) },
                },
                new NpgsqlBatchCommand(
                    $"SELECT watermark, pending_cycle, pending_to, chunk_cycle, chunk_from, chunk_to, chunk_rows FROM {s_state} " +
                    "WHERE state_key = @key AND table_name = @table FOR UPDATE")
                {
                    Parameters = { new("key", load.StateKey), new("table", load.Table.Name) },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new LoadState(
            reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0),
            reader.IsDBNull(1) ? null : reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            reader.IsDBNull(3) ? null : reader.GetInt64(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? 0 : reader.GetInt64(6));
    }

    private sealed record LoadState(
        DateTimeOffset? Watermark, long? PendingCycle, DateTimeOffset? PendingTo, long? ChunkCycle, string? ChunkFrom, string? ChunkTo, long ChunkRows);
}
