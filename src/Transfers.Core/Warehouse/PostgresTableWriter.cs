using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Npgsql;
using NpgsqlTypes;

namespace Transfers.Core.Warehouse;

/// <summary>How a <see cref="PostgresTableWriter"/> lands its rows.</summary>
public enum PostgresWriteMode
{
    /// <summary>Rows are copied into the table as they are.</summary>
    Append,

    /// <summary>Rows are copied into a temporary staging table, then upserted by the key columns in one statement.</summary>
    Upsert,

    /// <summary>Rows are copied into a load table that <see cref="PostgresTableWriter.SwapAsync"/> puts in place of the table.</summary>
    Replace,
}

/// <summary>The table a <see cref="PostgresTableWriter"/> writes.</summary>
/// <param name="Schema">The schema, created if missing.</param>
/// <param name="Table">The table name (at most 63 bytes).</param>
/// <param name="Mode">How the rows land.</param>
/// <param name="KeyColumns">The primary key columns, if any; required for <see cref="PostgresWriteMode.Upsert"/>.</param>
public sealed record PostgresTableTarget(string Schema, string Table, PostgresWriteMode Mode, IReadOnlyList<string>? KeyColumns);

/// <summary>
/// Streams pages of table rows into one PostgreSQL table with binary <c>COPY</c>, inside the caller's transaction, so a
/// chunk is written wholly or not at all. Columns keep the source's names and get types from the values
/// (see <see cref="PostgresColumnTypes"/>); columns a later page brings are added and the COPY restarted with the
/// longer list. Schema changes of one table are serialized with a transaction-level advisory lock on its name, taken
/// before the table is touched, so concurrent chunks neither fail on a concurrent <c>CREATE</c> nor deadlock upgrading
/// their table locks: appends into one table take turns, while an upsert takes the lock only for its final statement,
/// so parallel upsert chunks (an export's) stage their rows in parallel.
/// </summary>
public sealed class PostgresTableWriter : IAsyncDisposable
{
    private const string StagingTable = "transfers_stage";

    // Not a valid table property name, so no source column can take it.
    private const string OrdinalColumn = "transfers$ord";

    private readonly NpgsqlConnection _connection;
    private readonly PostgresTableTarget _target;
    private readonly string _copyTable;
    private readonly string[] _keys;
    private readonly List<PostgresColumn> _columns = [];
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);
    private bool _copyTableExists;
    private NpgsqlBinaryImporter? _copy;

    // The current page's values, reused from page to page.
    private object?[] _values = [];

    private PostgresTableWriter(NpgsqlConnection connection, PostgresTableTarget target)
    {
        _connection = connection;
        _target = target;
        _keys = [.. target.KeyColumns ?? []];
        _copyTable = target.Mode switch
        {
            PostgresWriteMode.Upsert => PostgresNames.Quote(StagingTable),
            PostgresWriteMode.Replace => PostgresNames.Qualified(target.Schema, LoadTableName(target.Table)),
            _ => PostgresNames.Qualified(target.Schema, target.Table),
        };
    }

    /// <summary>Gets the rows written so far (for an upsert: staged, before rows repeating a key collapse).</summary>
    public long RowsWritten { get; private set; }

    /// <summary>
    /// The name of the table a replacing load fills: the table's name cut to fit, then a hash of the whole name, so two
    /// long names sharing their first 50 bytes never share a load table.
    /// </summary>
    /// <param name="table">The target table name.</param>
    /// <returns>A name of at most 63 bytes.</returns>
    public static string LoadTableName(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var suffix = "__load_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(table)), 0, 4);
        var prefix = table;
        while (Encoding.UTF8.GetByteCount(prefix) + suffix.Length > PostgresNames.MaxIdentifierBytes)
        {
            prefix = prefix[..^(char.IsLowSurrogate(prefix[^1]) && prefix.Length > 1 ? 2 : 1)];
        }

        return prefix + suffix;
    }

    /// <summary>
    /// The error of a chunk the server refused (a type, a constraint, a permission): a fault of this load, not of the
    /// host, reported with the server's text and code and without the row's values.
    /// </summary>
    /// <param name="table">The table as the caller names it to the client.</param>
    /// <param name="refusal">The server's error.</param>
    /// <returns>The exception to throw.</returns>
    public static InvalidOperationException RefusedChunk(string table, PostgresException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new InvalidOperationException($"Table '{table}': PostgreSQL refused the chunk: {refusal.MessageText} ({refusal.SqlState}).", refusal);
    }

    /// <summary>
    /// Creates a schema if it is missing, in a transaction of its own (call it before the chunk's): a schema created
    /// inside a chunk's transaction would hold every other chunk of the schema until that chunk commits.
    /// </summary>
    /// <param name="connection">An open connection outside any transaction.</param>
    /// <param name="schema">The schema.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the schema exists.</returns>
    public static async Task EnsureSchemaAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(schema);
        await using var command = new NpgsqlCommand("SELECT 1 FROM pg_namespace WHERE nspname = @schema", connection);
        command.Parameters.AddWithValue("schema", schema);
        if (await command.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        // Concurrent CREATE SCHEMA IF NOT EXISTS can still fail on the catalog's unique index; the lock takes them in turn.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var create = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock(hashtextextended(@lock, 0)); CREATE SCHEMA IF NOT EXISTS {PostgresNames.Quote(schema)}", connection);
        create.Parameters.AddWithValue("lock", "schema " + schema);
        await create.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Starts writing one chunk on a connection whose transaction the caller owns (and commits or rolls back).
    /// </summary>
    /// <param name="connection">An open connection inside a transaction.</param>
    /// <param name="target">The table; its schema must exist (<see cref="EnsureSchemaAsync"/>).</param>
    /// <param name="startsLoad">For <see cref="PostgresWriteMode.Replace"/>: this is the load's first chunk, so a load table left by an earlier, interrupted load is dropped and a fresh one started.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The writer.</returns>
    /// <exception cref="InvalidOperationException">A name does not fit or an upsert has no key columns.</exception>
    public static async Task<PostgresTableWriter> BeginAsync(
        NpgsqlConnection connection, PostgresTableTarget target, bool startsLoad, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(target);
        RequireFits(target.Table, "table", target.Table);
        foreach (var key in target.KeyColumns ?? [])
        {
            RequireFits(target.Table, "column", key);
        }

        if (target.Mode == PostgresWriteMode.Upsert && target.KeyColumns is not { Count: > 0 })
        {
            throw new InvalidOperationException($"Upserting into table '{target.Table}' needs primary key columns.");
        }

        var writer = new PostgresTableWriter(connection, target);
        await writer.StartAsync(startsLoad, cancellationToken);
        return writer;
    }

    /// <summary>Copies one page of rows; columns the page brings first are added to the table.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the rows are sent.</returns>
    /// <exception cref="InvalidOperationException">A value cannot be stored in its column, or a key column is null.</exception>
    public async ValueTask WriteAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var added = NewColumns(rows, Place(rows));
        if (added.Count > 0 || !_copyTableExists)
        {
            await EndCopyAsync(cancellationToken);
            await AddColumnsAsync(_copyTable, _copyTableExists, added, cancellationToken);
            _copyTableExists = true;
            Place(rows);
        }

        _copy ??= await _connection.BeginBinaryImportAsync(
            $"COPY {_copyTable} ({string.Join(", ", _columns.Select(c => PostgresNames.Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        var width = _columns.Count;
        for (var r = 0; r < rows.Count; r++)
        {
            await _copy.StartRowAsync(cancellationToken);
            for (var c = 0; c < width; c++)
            {
                var column = _columns[c];
                var value = _values[(r * width) + c];
                if (value is null && column.IsKey)
                {
                    throw new InvalidOperationException(
                        $"Table '{_target.Table}': a row (PartitionKey '{rows[r].PartitionKey}', RowKey '{rows[r].RowKey}') has no value in its key column '{column.Name}'.");
                }

                await PostgresColumnTypes.WriteAsync(_copy, _target.Table, column, value, cancellationToken);
            }
        }

        RowsWritten += rows.Count;
    }

    /// <summary>
    /// Finishes the chunk's rows: ends the COPY and, for an upsert, creates or extends the table and upserts the staged
    /// rows (of rows repeating a key, the last one read wins). The caller then commits.
    /// </summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the rows are in their table.</returns>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        await EndCopyAsync(cancellationToken);
        if (_target.Mode != PostgresWriteMode.Upsert || !_copyTableExists)
        {
            return;
        }

        var table = PostgresNames.Qualified(_target.Schema, _target.Table);
        await LockAsync(_target.Table, cancellationToken);
        var existing = await ReadColumnsAsync(_target.Table, cancellationToken);
        await AddColumnsAsync(table, existing.Count > 0, [.. _columns.Where(c => !existing.ContainsKey(c.Name))], cancellationToken);
        var columns = string.Join(", ", _columns.Select(c => PostgresNames.Quote(c.Name)));
        var keys = string.Join(", ", _keys.Select(PostgresNames.Quote));
        var updates = _columns.Where(c => !c.IsKey).Select(c => $"{PostgresNames.Quote(c.Name)} = EXCLUDED.{PostgresNames.Quote(c.Name)}").ToList();
        await ExecuteAsync(
            $"INSERT INTO {table} ({columns}) SELECT DISTINCT ON ({keys}) {columns} FROM {_copyTable} ORDER BY {keys}, {PostgresNames.Quote(OrdinalColumn)} DESC " +
            $"ON CONFLICT ({keys}) DO " + (updates.Count == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", updates)),
            cancellationToken);
    }

    /// <summary>
    /// For <see cref="PostgresWriteMode.Replace"/>, after the last chunk's <see cref="CompleteAsync"/>: drops the table and
    /// renames the load table to its name, in the caller's transaction, so readers see the old table until the commit and
    /// the new one after. The grants readers had on the old table are given on the new one (the schema's default
    /// privileges already apply to the load table, which was created in the same schema).
    /// </summary>
    /// <param name="cancellationToken">Cancels the swap.</param>
    /// <returns>A task that completes when the swap is done (not yet committed).</returns>
    public async Task SwapAsync(CancellationToken cancellationToken = default)
    {
        if (_target.Mode != PostgresWriteMode.Replace)
        {
            throw new InvalidOperationException("Only a replacing load swaps its table in.");
        }

        await EndCopyAsync(cancellationToken);
        if (!_copyTableExists)
        {
            // No row in the whole load: the table becomes empty, keeping the columns it had.
            await AddColumnsAsync(_copyTable, exists: false, [], cancellationToken);
        }

        await LockAsync(_target.Table, cancellationToken);
        var grants = new List<string>();
        await using (var command = new NpgsqlCommand(
            "SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END " +
            "FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee " +
            "WHERE c.oid = to_regclass(@table) AND a.grantee <> c.relowner",
            _connection))
        {
            command.Parameters.AddWithValue("table", PostgresNames.Qualified(_target.Schema, _target.Table));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                grants.Add($"GRANT {reader.GetString(0)} ON {PostgresNames.Qualified(_target.Schema, _target.Table)} TO {reader.GetString(1)}");
            }
        }

        await ExecuteAsync(
            $"DROP TABLE IF EXISTS {PostgresNames.Qualified(_target.Schema, _target.Table)}; " +
            $"ALTER TABLE {_copyTable} RENAME TO {PostgresNames.Quote(_target.Table)}",
            cancellationToken);
        foreach (var grant in grants)
        {
            await ExecuteAsync(grant, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // A COPY not completed is canceled: its rows are never written.
        if (_copy is not null)
        {
            await _copy.DisposeAsync();
            _copy = null;
        }
    }

    private static void RequireFits(string table, string kind, string name)
    {
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > PostgresNames.MaxIdentifierBytes)
        {
            throw new InvalidOperationException(
                $"Table '{table}': the {kind} name '{name}' must be 1-{PostgresNames.MaxIdentifierBytes} bytes; PostgreSQL would cut a longer one.");
        }
    }

    private async Task StartAsync(bool startsLoad, CancellationToken cancellationToken)
    {
        switch (_target.Mode)
        {
            case PostgresWriteMode.Append:
                await LockAsync(_target.Table, cancellationToken);
                Seed(await ReadColumnsAsync(_target.Table, cancellationToken), exists: true);
                break;
            case PostgresWriteMode.Replace:
                var load = LoadTableName(_target.Table);
                await LockAsync(load, cancellationToken);
                if (startsLoad)
                {
                    // The new table starts with the old one's columns and key, so no column disappears silently.
                    var old = await ReadColumnsAsync(_target.Table, cancellationToken);
                    await ExecuteAsync(
                        $"DROP TABLE IF EXISTS {_copyTable}" + (old.Count > 0
                            ? $"; CREATE TABLE {_copyTable} (LIKE {PostgresNames.Qualified(_target.Schema, _target.Table)} INCLUDING ALL)"
                            : string.Empty),
                        cancellationToken);
                }

                Seed(await ReadColumnsAsync(load, cancellationToken), exists: true);
                break;
            default:
                // The staging table takes the table's column types (read without the lock: the final statement
                // re-reads them under it), so the staged values convert the same way.
                Seed(await ReadColumnsAsync(_target.Table, cancellationToken), exists: false);
                break;
        }
    }

    private void Seed(Dictionary<string, string> columns, bool exists)
    {
        foreach (var (name, type) in columns)
        {
            Add(new PostgresColumn(name, type, _keys.Contains(name, StringComparer.Ordinal)));
        }

        _copyTableExists = exists && columns.Count > 0;
    }

    private void Add(PostgresColumn column)
    {
        _positions[column.Name] = _columns.Count;
        _columns.Add(column);
    }

    /// <summary>
    /// Puts the page's values in <see cref="_values"/>, row by row in column order: one pass over each row's properties,
    /// no lookup per column.
    /// </summary>
    /// <returns>The names of properties that are not columns yet, or <c>null</c>.</returns>
    private List<string>? Place(IReadOnlyList<TableEntity> rows)
    {
        var width = _columns.Count;
        if (_values.Length < rows.Count * width)
        {
            _values = new object?[rows.Count * width];
        }
        else
        {
            Array.Clear(_values, 0, rows.Count * width);
        }

        List<string>? unknown = null;
        for (var r = 0; r < rows.Count; r++)
        {
            foreach (var (name, value) in rows[r])
            {
                if (_positions.TryGetValue(name, out var c))
                {
                    _values[(r * width) + c] = value;
                }
                else if (name != "odata.etag" && !(unknown?.Contains(name, StringComparer.Ordinal) ?? false))
                {
                    (unknown ??= []).Add(name);
                }
            }
        }

        return unknown;
    }

    private List<PostgresColumn> NewColumns(IReadOnlyList<TableEntity> rows, List<string>? names)
    {
        var added = new List<PostgresColumn>();
        foreach (var name in names ?? [])
        {
            RequireFits(_target.Table, "column", name);
            var column = new PostgresColumn(
                name,
                PostgresColumnTypes.Infer(rows.Select(r => r.TryGetValue(name, out var v) ? v : null)),
                _keys.Contains(name, StringComparer.Ordinal));
            Add(column);
            added.Add(column);
        }

        // A table is created with its key columns even when no row names them yet (a row then fails on its null key).
        if (!_copyTableExists)
        {
            foreach (var key in _keys.Where(k => !_positions.ContainsKey(k)))
            {
                var column = new PostgresColumn(key, PostgresColumnTypes.Text, IsKey: true);
                Add(column);
                added.Add(column);
            }
        }

        return added;
    }

    private async Task AddColumnsAsync(string table, bool exists, List<PostgresColumn> added, CancellationToken cancellationToken)
    {
        if (!exists)
        {
            var staging = table == PostgresNames.Quote(StagingTable);
            var definitions = _columns.Select(c => $"{PostgresNames.Quote(c.Name)} {c.Type}" + (c.IsKey ? " NOT NULL" : string.Empty));
            if (staging)
            {
                definitions = definitions.Append($"{PostgresNames.Quote(OrdinalColumn)} bigint GENERATED ALWAYS AS IDENTITY");
            }
            else if (_keys.Length > 0)
            {
                definitions = definitions.Append($"PRIMARY KEY ({string.Join(", ", _keys.Select(PostgresNames.Quote))})");
            }

            await ExecuteAsync(
                (staging ? "CREATE TEMP TABLE " : "CREATE TABLE IF NOT EXISTS ") + table + " (" + string.Join(", ", definitions) + ")" +
                (staging ? " ON COMMIT DROP" : string.Empty),
                cancellationToken);
            return;
        }

        if (added.Count > 0)
        {
            await ExecuteAsync(
                $"ALTER TABLE {table} " + string.Join(", ", added.Select(c => $"ADD COLUMN IF NOT EXISTS {PostgresNames.Quote(c.Name)} {c.Type}")),
                cancellationToken);
        }
    }

    private async Task EndCopyAsync(CancellationToken cancellationToken)
    {
        if (_copy is not null)
        {
            await _copy.CompleteAsync(cancellationToken);
            await _copy.DisposeAsync();
            _copy = null;
        }
    }

    private async Task<Dictionary<string, string>> ReadColumnsAsync(string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a " +
            "WHERE a.attrelid = to_regclass(@table) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            _connection);
        command.Parameters.AddWithValue("table", PostgresNames.Qualified(_target.Schema, table));
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns[reader.GetString(0)] = reader.GetString(1);
        }

        return columns;
    }

    private async Task LockAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@name, 0))", _connection);
        command.Parameters.AddWithValue("name", _target.Schema + "." + name);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A column of a table being written.</summary>
/// <param name="Name">The column name, as in the source.</param>
/// <param name="Type">The PostgreSQL type, as <c>format_type</c> spells it.</param>
/// <param name="IsKey">Whether it is a primary key column.</param>
internal sealed record PostgresColumn(string Name, string Type, bool IsKey)
{
    /// <summary>Gets the index of <see cref="Type"/> in <see cref="PostgresColumnTypes.All"/> (-1 for a type the writer does not write), so a value's write compares numbers, not strings.</summary>
    public int Kind { get; } = Array.IndexOf(PostgresColumnTypes.All, Type);
}

/// <summary>
/// Maps table values to PostgreSQL column types: string <c>text</c> (or <c>jsonb</c> when every value seen first is a
/// JSON object or array), Int32 <c>integer</c>, Int64 <c>bigint</c>, Double <c>double precision</c>, Boolean
/// <c>boolean</c>, DateTime <c>timestamp with time zone</c>, Guid <c>uuid</c>, binary <c>bytea</c>. A value goes into a
/// wider column (an Int32 into <c>bigint</c> or <c>double precision</c>, anything into <c>text</c> or, as JSON, into
/// <c>jsonb</c>); any other mismatch fails with a message naming table, column and both types.
/// </summary>
internal static class PostgresColumnTypes
{
    public const string Text = "text";
    public const string Integer = "integer";
    public const string BigInt = "bigint";
    public const string Double = "double precision";
    public const string Boolean = "boolean";
    public const string Timestamp = "timestamp with time zone";
    public const string Uuid = "uuid";
    public const string Bytea = "bytea";
    public const string Jsonb = "jsonb";

    /// <summary>The types the writer writes, in the order of <see cref="PostgresColumn.Kind"/>.</summary>
    public static readonly string[] All = [Text, Integer, BigInt, Double, Boolean, Timestamp, Uuid, Bytea, Jsonb];

    /// <summary>The type of a new column from the values a page holds for it.</summary>
    public static string Infer(IEnumerable<object?> values)
    {
        string? type = null;
        var allJson = true;
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            var own = Of(value);
            allJson &= value is string s && IsJsonDocument(s);
            type = type is null || type == own ? own
                : (type, own) is (Integer, BigInt) or (BigInt, Integer) ? BigInt
                : (type, own) is (Integer, Double) or (Double, Integer) ? Double
                : Text;
        }

        return type == Text && allJson ? Jsonb : type ?? Text;
    }

    /// <summary>Writes one value into a column of the given type.</summary>
    public static Task WriteAsync(NpgsqlBinaryImporter copy, string table, PostgresColumn column, object? value, CancellationToken cancellationToken) =>
        (column.Kind, value) switch
        {
            (_, null) => copy.WriteNullAsync(cancellationToken),
            (0, _) => copy.WriteAsync(AsText(value), NpgsqlDbType.Text, cancellationToken),
            (1, int i) => copy.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken),
            (2, long l) => copy.WriteAsync(l, NpgsqlDbType.Bigint, cancellationToken),
            (2, int i) => copy.WriteAsync((long)i, NpgsqlDbType.Bigint, cancellationToken),
            (3, double d) => copy.WriteAsync(d, NpgsqlDbType.Double, cancellationToken),
            (3, int i) => copy.WriteAsync((double)i, NpgsqlDbType.Double, cancellationToken),
            (4, bool b) => copy.WriteAsync(b, NpgsqlDbType.Boolean, cancellationToken),
            (5, DateTimeOffset d) => copy.WriteAsync(d.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken),
            (5, DateTime d) => copy.WriteAsync(AsUtc(d), NpgsqlDbType.TimestampTz, cancellationToken),
            (6, Guid g) => copy.WriteAsync(g, NpgsqlDbType.Uuid, cancellationToken),
            (7, byte[] b) => copy.WriteAsync(b, NpgsqlDbType.Bytea, cancellationToken),
            (7, BinaryData b) => copy.WriteAsync(b.ToArray(), NpgsqlDbType.Bytea, cancellationToken),
            (8, string s) => copy.WriteAsync(IsJsonDocument(s) ? s : JsonSerializer.Serialize(s), NpgsqlDbType.Jsonb, cancellationToken),
            (8, _) => copy.WriteAsync(JsonSerializer.Serialize(value is byte[] b ? Convert.ToBase64String(b) : value), NpgsqlDbType.Jsonb, cancellationToken),
            _ => throw Refused(table, column, value),
        };

    private static InvalidOperationException Refused(string table, PostgresColumn column, object value) => new(
        $"Table '{table}': column '{column.Name}' is {column.Type} and cannot hold a {Of(value)} value (a {value.GetType().Name}); the chunk was not written.");

    private static string Of(object value) => value switch
    {
        string => Text,
        int => Integer,
        long => BigInt,
        double => Double,
        bool => Boolean,
        DateTimeOffset or DateTime => Timestamp,
        Guid => Uuid,
        byte[] or BinaryData => Bytea,
        _ => Text,
    };

    private static string AsText(object value) => value switch
    {
        string s => s,
        DateTimeOffset d => d.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        DateTime d => AsUtc(d).ToString("O", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        byte[] b => Convert.ToBase64String(b),
        BinaryData b => Convert.ToBase64String(b.ToArray()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // The table service's date-times are UTC; one without a kind is taken as UTC, as TableRowQuery does, not as local time.
    private static DateTime AsUtc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static bool IsJsonDocument(string value)
    {
        var text = value.AsSpan().TrimStart();
        if (text.IsEmpty || (text[0] != '{' && text[0] != '['))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(value));
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
