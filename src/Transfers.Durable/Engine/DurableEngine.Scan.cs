using Transfers.Core.DurableTask;
using Transfers.Durable.Storage;

namespace Transfers.Durable.Engine;

/// <summary>
/// Recovery and sharing: scan the index of the owned partitions for instances with work that this process does not
/// hold in memory, and pick that work up. The index may be stale; a look at the instance's rows decides.
/// </summary>
internal sealed partial class DurableEngine
{
    private async Task ScanLoopAsync(CancellationToken cancellationToken)
    {
        var delay = _options.PollingIntervalMin;
        while (!cancellationToken.IsCancellationRequested)
        {
            var found = false;
            try
            {
                for (var partition = 0; partition < _owned.Length; partition++)
                {
                    if (_owned[partition])
                    {
                        found |= await ScanPartitionAsync(partition, cancellationToken);
                    }
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.ScanFailed(_logger, ex);
            }

            delay = found ? _options.PollingIntervalMin : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.PollingIntervalMax.Ticks));
            try
            {
                await _scanWake.WaitAsync(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> ScanPartitionAsync(int partition, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var due = (await _store.ListDueIndexAsync(partition, now, cancellationToken))
            .Where(e => !_active.ContainsKey(e.InstanceId))
            .ToList();
        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (entry, token) => await CheckInstanceAsync(entry, token));
        return due.Count > 0;
    }

    private async Task CheckInstanceAsync(IndexEntry entry, CancellationToken cancellationToken)
    {
        var id = entry.InstanceId;
        var (instance, inboxCount, work) = await _store.ReadPendingAsync(id, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var grace = _options.LeaseDuration;
        var pending = false;
        var next = DateTimeOffset.MaxValue;
        if (instance is not null)
        {
            var startAt = instance.StartAt ?? now;
            if (inboxCount > 0 || instance.NeedsStep || (instance.Status == OrchestrationRuntimeStatus.Pending && startAt <= now))
            {
                Notify(id);
                pending = true;
            }
            else if (instance.Status == OrchestrationRuntimeStatus.Pending)
            {
                next = startAt;
                WakeAt(id, startAt.UtcDateTime);
            }

            foreach (var item in work)
            {
                if (item.Kind == WorkKind.Timer && item.FireAt > now.UtcDateTime + TimerHorizon)
                {
                    next = new DateTimeOffset(item.FireAt, TimeSpan.Zero) - TimerHorizon < next ? new DateTimeOffset(item.FireAt, TimeSpan.Zero) - TimerHorizon : next;
                    continue;
                }

                Dispatch(item);
                pending = true;
            }
        }

        if (pending)
        {
            return;
        }

        // Nothing to do now. Writers touch the index before they write, so a row touched within the grace period may
        // announce work that is not visible yet; it is only postponed, never removed.
        if (next != DateTimeOffset.MaxValue)
        {
            await _store.PostponeIndexAsync(entry, next, cancellationToken);
        }
        else if (entry.Touched < now - grace)
        {
            await _store.RemoveIndexAsync(entry, cancellationToken);
        }
        else
        {
            await _store.PostponeIndexAsync(entry, entry.Touched + grace, cancellationToken);
        }
    }
}
