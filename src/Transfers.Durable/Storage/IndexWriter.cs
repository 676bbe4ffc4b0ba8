using Azure;
using Azure.Data.Tables;

namespace Transfers.Durable.Storage;

/// <summary>
/// Writes index rows of one process in table transactions: while one transaction of a hub partition is in flight,
/// the touches and deletes that arrive for that partition wait and go together in the next one. Azurite serves one
/// request at a time, so a hundred rows in one request cost far less than a hundred requests; when the partition is
/// idle a write goes out alone at once.
/// </summary>
/// <param name="index">The index table.</param>
internal sealed class IndexWriter(TableClient index)
{
    /// <summary>How long deletes wait for company; they only spare the partition scan a look, so nothing hurries them.</summary>
    private static readonly TimeSpan DeleteDelay = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, PartitionQueue> _queues = [];
    private readonly Lock _gate = new();

    /// <summary>Marks an instance as having something to do from now on.</summary>
    /// <param name="partitionKey">The hub partition's key.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <returns>A task that completes when the row is written, and fails when it could not be.</returns>
    public Task TouchAsync(string partitionKey, string instanceId)
    {
        var row = new TableEntity(partitionKey, instanceId) { ["DueAt"] = DateTimeOffset.UnixEpoch, ["Touched"] = DateTimeOffset.UtcNow };
        return Enqueue(partitionKey, instanceId, new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
    }

    /// <summary>
    /// Deletes an instance's index row in the background, whatever its state. A delete that fails leaves a stale row,
    /// which the partition scan removes; a touch of the same row that arrives before the delete went out cancels it.
    /// </summary>
    /// <param name="partitionKey">The hub partition's key.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <returns>A task that completes, and never fails, when the delete went out or was given up.</returns>
    public Task DeleteAsync(string partitionKey, string instanceId) =>
        Enqueue(partitionKey, instanceId, new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, instanceId), ETag.All));

    private Task Enqueue(string partitionKey, string instanceId, TableTransactionAction action)
    {
        var isDelete = action.ActionType == TableTransactionActionType.Delete;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (!_queues.TryGetValue(partitionKey, out var queue))
            {
                _queues[partitionKey] = queue = new PartitionQueue();
            }

            // One action per row and transaction; the latest intent wins, except that a delete never overtakes a
            // touch somebody waits for: a stale row costs the scan one look, a missing one can lose work.
            if (queue.Pending.TryGetValue(instanceId, out var queued))
            {
                if (isDelete)
                {
                    return Task.CompletedTask;
                }

                queued.Action = action;
                queued.Waiters.Add(done);
            }
            else
            {
                var write = new PendingWrite(action);
                write.Waiters.Add(done);
                queue.Pending.Add(instanceId, write);
            }

            if (!isDelete || queue.Pending.Count >= HubStore.MaxBatch)
            {
                queue.Wake?.TrySetResult();
            }

            if (!queue.Busy)
            {
                queue.Busy = true;
                _ = Task.Run(() => FlushAsync(queue));
            }
        }

        return done.Task;
    }

    private async Task FlushAsync(PartitionQueue queue)
    {
        var waited = false;
        while (true)
        {
            List<PendingWrite> batch;
            Task? wake = null;
            lock (_gate)
            {
                if (queue.Pending.Count == 0)
                {
                    queue.Busy = false;
                    return;
                }

                // Nobody waits for a delete: let deletes gather for a while, unless a touch or a full batch is waiting.
                if (!waited && queue.Pending.Count < HubStore.MaxBatch && queue.Pending.Values.All(w => w.IsDelete))
                {
                    queue.Wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wake = queue.Wake.Task;
                }
            }

            if (wake is not null)
            {
                await Task.WhenAny(wake, Task.Delay(DeleteDelay));
                waited = true;
                continue;
            }

            waited = false;
            lock (_gate)
            {
                queue.Wake = null;
                batch = [.. queue.Pending.Values.Take(HubStore.MaxBatch)];
                foreach (var key in queue.Pending.Keys.Take(batch.Count).ToList())
                {
                    queue.Pending.Remove(key);
                }
            }

            await SubmitAsync(batch);
        }
    }

    private async Task SubmitAsync(List<PendingWrite> batch)
    {
        while (batch.Count > 0)
        {
            try
            {
                await index.SubmitTransactionAsync(batch.Select(w => w.Action));
                batch.ForEach(w => w.Waiters.ForEach(d => d.TrySetResult()));
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex is { } failed && failed < batch.Count)
            {
                // One row spoilt the transaction (a delete of a row that is already gone): drop it, send the rest.
                var write = batch[failed];
                batch.RemoveAt(failed);
                write.Fail(ex);
            }
            catch (Exception ex)
            {
                batch.ForEach(w => w.Fail(ex));
                return;
            }
        }
    }

    private sealed class PartitionQueue
    {
        public bool Busy { get; set; }

        /// <summary>Gets or sets what ends a wait for more deletes early.</summary>
        public TaskCompletionSource? Wake { get; set; }

        /// <summary>Gets the writes waiting for the next transaction, in arrival order.</summary>
        public OrderedDictionary<string, PendingWrite> Pending { get; } = new(StringComparer.Ordinal);
    }

    private sealed class PendingWrite(TableTransactionAction action)
    {
        public TableTransactionAction Action { get; set; } = action;

        public bool IsDelete => Action.ActionType == TableTransactionActionType.Delete;

        public List<TaskCompletionSource> Waiters { get; } = [];

        /// <summary>A touch that failed fails its callers; a delete that failed only leaves a stale row behind.</summary>
        public void Fail(Exception ex) =>
            Waiters.ForEach(d => _ = IsDelete ? d.TrySetResult() : d.TrySetException(ex));
    }
}
