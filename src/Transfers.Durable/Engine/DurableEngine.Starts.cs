using Azure;
using Azure.Data.Tables;
using Transfers.Durable.Storage;

namespace Transfers.Durable.Engine;

/// <summary>
/// Instances scheduled through this process's client for partitions it owns start with their first step in the
/// transaction that inserts the instance row: one request instead of an insert, a step and its read of nothing new.
/// Anything unusual (the id exists, the partition moved, the engine stops) falls back to the plain insert.
/// </summary>
internal sealed partial class DurableEngine
{
    private readonly Dictionary<string, PendingStart> _starts = [];

    /// <summary>Creates an instance together with its first step, when this process runs the instance.</summary>
    /// <param name="record">The new instance in status Pending, generation 0.</param>
    /// <param name="cancellationToken">Stops the wait; the instance may still be created.</param>
    /// <returns>
    /// <c>true</c> when the instance and its first step are committed; <c>false</c> when nothing was written and the
    /// caller must create the instance the plain way (which also finds an existing instance with that id).
    /// </returns>
    public async Task<bool> TryStartAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var id = record.InstanceId;
        if (!_running || !Owns(id) || record.StartAt > DateTimeOffset.UtcNow)
        {
            return false;
        }

        // The index row announces the work rows of the first step: written before them, as every writer does.
        await _store.TouchIndexAsync(id, cancellationToken);
        var start = new PendingStart(record);
        lock (_starts)
        {
            if (!_starts.TryAdd(id, start))
            {
                return false;
            }
        }

        Notify(id, read: false);

        // Stopping between the two lines above leaves nobody to take the start; the caller then inserts the row.
        if (!_running)
        {
            SettleRaised();
        }

        return await start.Outcome.Task.WaitAsync(cancellationToken);
    }

    private PendingStart? TakeStart(string instanceId)
    {
        lock (_starts)
        {
            return _starts.Remove(instanceId, out var start) ? start : null;
        }
    }

    private async Task RunStartAsync(PendingStart start, CancellationToken cancellationToken)
    {
        var record = start.Record;
        StepCommit commit;
        try
        {
            var step = new Step(record, [], DateTime.UtcNow);
            step.AddMessages([]);
            step.Episode = RunEpisode(record, [], step.NewEvents);
            commit = step.Build();
            commit.CreatesInstance = true;
        }
        catch
        {
            // Nothing was written: the plain insert leaves the failure to an ordinary step.
            start.Outcome.TrySetResult(false);
            throw;
        }

        ETag etag;
        try
        {
            etag = await _store.CommitStepAsync(commit, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            // The id is taken (by a live instance, or a finished one to replace): nothing was written.
            start.Outcome.TrySetResult(false);
            return;
        }
        catch (Exception ex)
        {
            // The outcome is unknown: inserting the row the plain way could start the instance twice.
            start.Outcome.TrySetException(ex);
            throw;
        }

        var committed = AfterCommit(record, [], commit, etag);
        start.Outcome.TrySetResult(true);
        var id = record.InstanceId;
        if (committed.NeedsStep || _needsRead.ContainsKey(id) || HasLocalMessages(id))
        {
            Notify(id, read: false);
        }
    }

    /// <summary>An instance scheduled through this process's client, waiting for its first step.</summary>
    /// <param name="record">The new instance.</param>
    private sealed class PendingStart(InstanceRecord record)
    {
        public InstanceRecord Record => record;

        /// <summary>Gets the outcome: <c>true</c> once committed, <c>false</c> when nothing was written.</summary>
        public TaskCompletionSource<bool> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
