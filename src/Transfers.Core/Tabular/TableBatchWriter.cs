using Azure;
using Azure.Data.Tables;

namespace Transfers.Core.Tabular;

/// <summary>
/// Writes rows to a table by key in entity-group transactions: rows are grouped by partition, each full group of 100
/// is sent at once, and up to <c>maxParallelBatches</c> batches (of different partitions) are in flight. Writes are
/// upserts that replace the whole entity, so writing the same rows again changes nothing.
/// </summary>
/// <remarks>Not thread-safe: one producer adds rows, the writer parallelizes the sends.</remarks>
public sealed class TableBatchWriter
{
    /// <summary>The most entities one transaction may hold.</summary>
    public const int MaxBatchSize = 100;

    // A transaction's payload may not exceed 4 MiB; leave room for the multipart framing.
    private const long MaxBatchBytes = 3L * 1024 * 1024;

    private readonly TableClient _table;
    private readonly TableTransactionActionType _action;
    private readonly int _maxBufferedRows;
    private readonly int _maxParallelBatches;
    private readonly Dictionary<string, PartitionBuffer> _buffers = new(StringComparer.Ordinal);
    private readonly List<Task> _inFlight = [];
    private int _buffered;
    private long _written;

    /// <summary>Initializes a new instance of the <see cref="TableBatchWriter"/> class.</summary>
    /// <param name="table">The destination table; it must exist.</param>
    /// <param name="maxParallelBatches">How many transactions may be in flight at once.</param>
    /// <param name="maxBufferedRows">How many rows may wait in partial batches before the fullest is sent early.</param>
    public TableBatchWriter(TableClient table, int maxParallelBatches = 8, int maxBufferedRows = 10_000)
        : this(table, TableTransactionActionType.UpsertReplace, maxParallelBatches, maxBufferedRows)
    {
    }

    private TableBatchWriter(TableClient table, TableTransactionActionType action, int maxParallelBatches, int maxBufferedRows)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallelBatches, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBufferedRows, MaxBatchSize);
        _table = table;
        _action = action;
        _maxBufferedRows = maxBufferedRows;
        _maxParallelBatches = maxParallelBatches;
    }

    /// <summary>Gets how many rows have been committed so far.</summary>
    public long RowsWritten => Interlocked.Read(ref _written);

    /// <summary>
    /// Deletes every row of a table, partition by partition in batches, leaving the table itself in place (a deleted
    /// table's name stays unusable for a while on Azure).
    /// </summary>
    /// <param name="table">The table; nothing happens when it does not exist.</param>
    /// <param name="maxParallelBatches">How many delete batches may be in flight at once.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>How many rows were deleted.</returns>
    public static async Task<long> ClearAsync(TableClient table, int maxParallelBatches = 8, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var deleter = new TableBatchWriter(table, TableTransactionActionType.Delete, maxParallelBatches, 10_000);
        try
        {
            await foreach (var page in TableRowReader.ReadPagesAsync(table, new TableRowQuery { Columns = ["RowKey"] }, cancellationToken: cancellationToken))
            {
                await deleter.AddRangeAsync(page.Rows, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }

        await deleter.FlushAsync(cancellationToken);
        return deleter.RowsWritten;
    }

    /// <summary>Adds a row; sends its partition's batch when full.</summary>
    /// <param name="entity">The row; a row with the same keys as a buffered one replaces it.</param>
    /// <param name="cancellationToken">Cancels waiting for a free slot and the sends.</param>
    /// <returns>A task that completes once the row is buffered or its batch is on its way.</returns>
    public async ValueTask AddAsync(ITableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (!_buffers.TryGetValue(entity.PartitionKey, out var buffer))
        {
            buffer = new PartitionBuffer();
            _buffers[entity.PartitionKey] = buffer;
        }

        if (!buffer.Rows.TryAdd(entity.RowKey, entity))
        {
            // One transaction may not touch a row twice; the later version wins.
            buffer.Bytes -= EstimateBytes(buffer.Rows[entity.RowKey]);
            buffer.Rows[entity.RowKey] = entity;
            _buffered--;
        }

        buffer.Bytes += EstimateBytes(entity);
        _buffered++;
        if (buffer.Rows.Count >= MaxBatchSize || buffer.Bytes >= MaxBatchBytes)
        {
            await SendAsync(entity.PartitionKey, buffer, cancellationToken);
        }
        else if (_buffered > _maxBufferedRows)
        {
            var fullest = _buffers.MaxBy(b => b.Value.Rows.Count);
            await SendAsync(fullest.Key, fullest.Value, cancellationToken);
        }
    }

    /// <summary>Adds rows in order.</summary>
    /// <param name="entities">The rows.</param>
    /// <param name="cancellationToken">Cancels waiting for a free slot and the sends.</param>
    /// <returns>A task that completes once every row is buffered or on its way.</returns>
    public async ValueTask AddRangeAsync(IEnumerable<ITableEntity> entities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entities);
        foreach (var entity in entities)
        {
            await AddAsync(entity, cancellationToken);
        }
    }

    /// <summary>Sends every partial batch and waits until every batch is committed.</summary>
    /// <param name="cancellationToken">Cancels waiting for a free slot and the sends.</param>
    /// <returns>A task that completes when all rows added so far are committed; it fails if any batch failed.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (partition, buffer) in _buffers.ToArray())
        {
            await SendAsync(partition, buffer, cancellationToken);
        }

        await Task.WhenAll(_inFlight);
        _inFlight.Clear();
    }

    private static long EstimateBytes(ITableEntity entity)
    {
        long bytes = (entity.PartitionKey.Length + entity.RowKey.Length) * 2L + 64;
        if (entity is IDictionary<string, object> properties)
        {
            foreach (var (name, value) in properties)
            {
                bytes += (name.Length * 2L) + value switch
                {
                    string s => s.Length * 2L,
                    byte[] b => b.Length * 4L / 3,
                    BinaryData d => d.ToMemory().Length * 4L / 3,
                    _ => 32,
                };
            }
        }

        return bytes;
    }

    private async Task SendAsync(string partition, PartitionBuffer buffer, CancellationToken cancellationToken)
    {
        _buffers.Remove(partition);
        _buffered -= buffer.Rows.Count;
        var actions = buffer.Rows.Values
            .Select(e => _action == TableTransactionActionType.Delete ? new TableTransactionAction(_action, e, ETag.All) : new TableTransactionAction(_action, e))
            .ToList();

        while (_inFlight.Count >= _maxParallelBatches)
        {
            await Task.WhenAny(_inFlight).WaitAsync(cancellationToken);

            // Surface a failure before queueing more work behind it.
            if (_inFlight.FirstOrDefault(t => t.IsFaulted || t.IsCanceled) is { } failed)
            {
                await failed;
            }

            _inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
        }

        _inFlight.Add(SubmitAsync(actions, cancellationToken));
    }

    private async Task SubmitAsync(List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        await _table.SubmitTransactionAsync(actions, cancellationToken);
        Interlocked.Add(ref _written, actions.Count);
    }

    private sealed class PartitionBuffer
    {
        public Dictionary<string, ITableEntity> Rows { get; } = new(StringComparer.Ordinal);

        public long Bytes { get; set; }
    }
}
