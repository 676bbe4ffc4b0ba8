using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Transfers.Durable.Storage;

/// <summary>
/// The task hub's storage: <c>{hub}EmbeddedInstances</c> (one partition per instance: instance row, history, inbox and
/// pending work), <c>{hub}EmbeddedIndex</c> (one row per instance that may have something to do, partitioned by hub
/// partition), <c>{hub}EmbeddedLeases</c> (partition leases and worker heartbeats) and the blob container
/// <c>{hub}-embedded-payloads</c>. The names differ from Durable Task's Azure Storage layout (<c>{hub}Instances</c>,
/// <c>{hub}History</c>, <c>{hub}Partitions</c>, <c>{hub}-leases</c>, ...), so both backends can use one hub on one account.
/// </summary>
internal sealed partial class HubStore
{
    private readonly TableClient _instances;
    private readonly TableClient _index;
    private readonly IndexWriter _indexWriter;
    private readonly BlobContainerClient _payloads;
    private readonly Lazy<Task> _created;

    /// <summary>Initializes a new instance of the <see cref="HubStore"/> class.</summary>
    /// <param name="options">The engine options.</param>
    public HubStore(IOptions<DurableEngineOptions> options)
    {
        var settings = options.Value;
        settings.Validate();
        PartitionCount = settings.PartitionCount;
        var tables = new TableServiceClient(settings.StorageConnection);
        _instances = tables.GetTableClient(TableName(settings.HubName, "Instances"));
        _index = tables.GetTableClient(TableName(settings.HubName, "Index"));
        _indexWriter = new IndexWriter(_index);
        Leases = tables.GetTableClient(TableName(settings.HubName, "Leases"));
        _payloads = new BlobServiceClient(settings.StorageConnection).GetBlobContainerClient(settings.HubName.ToLowerInvariant() + "-embedded-payloads");
        _created = new Lazy<Task>(CreateAsync);
    }

    /// <summary>The name of one of the engine's tables: <c>{hub}Embedded{table}</c>.</summary>
    /// <param name="hubName">The task hub name.</param>
    /// <param name="table">The table's role: <c>Instances</c>, <c>Index</c> or <c>Leases</c>.</param>
    /// <returns>The table name.</returns>
    public static string TableName(string hubName, string table) => hubName + "Embedded" + table;

    /// <summary>Gets the number of hub partitions.</summary>
    public int PartitionCount { get; }

    /// <summary>Gets the lease table.</summary>
    public TableClient Leases { get; }

    /// <summary>Creates the tables and the container once per process.</summary>
    /// <returns>A task that completes when they exist.</returns>
    public Task EnsureCreatedAsync() => _created.Value;

    /// <summary>Maps an instance to its hub partition with a hash that is the same in every process.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <returns>The partition number.</returns>
    public int PartitionOf(string instanceId)
    {
        var hash = 2166136261u;
        foreach (var c in instanceId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)PartitionCount);
    }

    /// <summary>
    /// Marks an instance as having something to do. Written before the work itself, so a crash in between leaves only
    /// a stale index row. Touches that arrive together go to storage in one transaction per hub partition.
    /// </summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Stops the wait; the row may still be written.</param>
    /// <returns>A task that completes when the row is written.</returns>
    public Task TouchIndexAsync(string instanceId, CancellationToken cancellationToken = default) =>
        _indexWriter.TouchAsync(Rows.Partition(PartitionOf(instanceId)), instanceId).WaitAsync(cancellationToken);

    /// <summary>Lists the index rows of one partition that are due: the rest are not worth the bytes of a listing.</summary>
    /// <param name="partition">The hub partition.</param>
    /// <param name="dueBy">Rows due at or before this time are listed.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The rows.</returns>
    public async Task<List<IndexEntry>> ListDueIndexAsync(int partition, DateTimeOffset dueBy, CancellationToken cancellationToken = default)
    {
        var entries = new List<IndexEntry>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Rows.Partition(partition)} and DueAt le {dueBy}");
        await foreach (var row in _index.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entries.Add(new IndexEntry(row.RowKey, row.GetDateTimeOffset("DueAt") ?? DateTimeOffset.UnixEpoch, row.GetDateTimeOffset("Touched") ?? DateTimeOffset.UnixEpoch, row.ETag, row.PartitionKey));
        }

        return entries;
    }

    /// <summary>Postpones the next look at an instance, unless someone touched its index row since it was read.</summary>
    /// <param name="entry">The index row as read.</param>
    /// <param name="dueAt">When to look next.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the row is updated or was found changed.</returns>
    public async Task PostponeIndexAsync(IndexEntry entry, DateTimeOffset dueAt, CancellationToken cancellationToken = default)
    {
        try
        {
            var row = new TableEntity(entry.PartitionKey, entry.InstanceId) { ["DueAt"] = dueAt, ["Touched"] = entry.Touched };
            await _index.UpdateEntityAsync(row, entry.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Touched or removed meanwhile: the newer state wins.
        }
    }

    /// <summary>Removes an index row, unless someone touched it since it was read.</summary>
    /// <param name="entry">The index row as read.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the row is gone or was found changed.</returns>
    public async Task RemoveIndexAsync(IndexEntry entry, CancellationToken cancellationToken = default)
    {
        try
        {
            await _index.DeleteEntityAsync(entry.PartitionKey, entry.InstanceId, entry.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Touched or removed meanwhile: the newer state wins.
        }
    }

    /// <summary>
    /// Removes an instance's index row whatever its state, in the background and together with other index writes;
    /// for instances that ended with nothing left to do. Should the delete be lost, the partition scan removes the row.
    /// </summary>
    /// <param name="instanceId">The instance id.</param>
    /// <returns>A task that completes, and never fails, when the delete went out or was given up.</returns>
    public Task DeleteIndexLaterAsync(string instanceId) => _indexWriter.DeleteAsync(Rows.Partition(PartitionOf(instanceId)), instanceId);

    private async Task CreateAsync()
    {
        await Task.WhenAll(
            _instances.CreateIfNotExistsAsync(),
            _index.CreateIfNotExistsAsync(),
            Leases.CreateIfNotExistsAsync(),
            _payloads.CreateIfNotExistsAsync());
    }
}

/// <summary>An index row: an instance that may have something to do from <see cref="DueAt"/> on.</summary>
/// <param name="InstanceId">The instance id.</param>
/// <param name="DueAt">When to look at it.</param>
/// <param name="Touched">When a writer last announced work for it.</param>
/// <param name="ETag">The row's ETag as read.</param>
/// <param name="PartitionKey">The hub partition's key.</param>
internal sealed record IndexEntry(string InstanceId, DateTimeOffset DueAt, DateTimeOffset Touched, ETag ETag, string PartitionKey);
