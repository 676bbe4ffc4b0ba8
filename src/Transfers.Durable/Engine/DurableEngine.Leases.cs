using Azure;
using Azure.Data.Tables;
using Transfers.Durable.Storage;

namespace Transfers.Durable.Engine;

/// <summary>
/// Partition leases: each process heartbeats, counts the live processes, renews its share of partitions and takes
/// expired or released ones. ETag-conditional writes make sure one lease has one owner at a time.
/// </summary>
internal sealed partial class DurableEngine
{
    private const string LeasePartition = "lease";
    private const string WorkerPartition = "worker";

    private async Task LeaseLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.LeaseDuration / 3, cancellationToken);
                await BalanceLeasesAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.LeaseFailed(_logger, ex);
            }
        }
    }

    private async Task BalanceLeasesAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var leases = _store.Leases;
        await leases.UpsertEntityAsync(new TableEntity(WorkerPartition, _workerId) { ["LastSeen"] = now }, TableUpdateMode.Replace, cancellationToken);
        var rows = new List<TableEntity>();
        await foreach (var row in leases.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        var workers = Math.Max(1, rows.Count(r => r.PartitionKey == WorkerPartition && r.GetDateTimeOffset("LastSeen") > now - _options.LeaseDuration));
        var target = (_store.PartitionCount + workers - 1) / workers;
        var byPartition = rows.Where(r => r.PartitionKey == LeasePartition).ToDictionary(r => r.RowKey);
        var owned = new bool[_store.PartitionCount];
        var count = 0;

        // Renew first, so that taking new partitions counts what this process already holds.
        for (var p = 0; p < owned.Length; p++)
        {
            if (byPartition.TryGetValue(Rows.Partition(p), out var row) && row.GetString("Owner") == _workerId)
            {
                var keep = count < target;
                if (await TryWriteLeaseAsync(row, keep ? _workerId : string.Empty, keep ? now + _options.LeaseDuration : now, cancellationToken) && keep)
                {
                    owned[p] = true;
                    count++;
                }
            }
        }

        var gained = false;
        for (var p = 0; p < owned.Length && count < target; p++)
        {
            byPartition.TryGetValue(Rows.Partition(p), out var row);
            var free = row is null || string.IsNullOrEmpty(row.GetString("Owner")) || row.GetDateTimeOffset("ExpiresAt") < now;
            if (!owned[p] && free && await TryWriteLeaseAsync(row ?? new TableEntity(LeasePartition, Rows.Partition(p)), _workerId, now + _options.LeaseDuration, cancellationToken))
            {
                owned[p] = true;
                count++;
                gained = true;
                Log.LeaseAcquired(_logger, _workerId, p);
            }
        }

        var lost = _owned.Where((was, p) => was && !owned[p]).Any();
        _owned = owned;
        if (gained)
        {
            _scanWake.Release();
        }

        if (lost)
        {
            FlushMovedResults();
        }
    }

    private async Task<bool> TryWriteLeaseAsync(TableEntity row, string owner, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var lease = new TableEntity(LeasePartition, row.RowKey) { ["Owner"] = owner, ["ExpiresAt"] = expiresAt };
        try
        {
            if (row.ETag == default)
            {
                await _store.Leases.AddEntityAsync(lease, cancellationToken);
            }
            else
            {
                await _store.Leases.UpdateEntityAsync(lease, row.ETag, TableUpdateMode.Replace, cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    private async Task ReleaseLeasesAsync(CancellationToken cancellationToken)
    {
        var owned = _owned;
        _owned = new bool[owned.Length];
        try
        {
            var now = DateTimeOffset.UtcNow;
            for (var p = 0; p < owned.Length; p++)
            {
                if (owned[p])
                {
                    var lease = new TableEntity(LeasePartition, Rows.Partition(p)) { ["Owner"] = string.Empty, ["ExpiresAt"] = now };
                    await _store.Leases.UpdateEntityAsync(lease, ETag.All, TableUpdateMode.Replace, cancellationToken);
                }
            }

            await _store.Leases.DeleteEntityAsync(WorkerPartition, _workerId, ETag.All, cancellationToken);
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException or AggregateException)
        {
            // AggregateException: the retry policy gave up on storage that no longer answers (Azurite stopped first).
            Log.LeaseFailed(_logger, ex);
        }
    }
}
