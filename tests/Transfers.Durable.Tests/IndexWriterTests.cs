using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Transfers.Durable.Storage;
using Transfers.Testing;

namespace Transfers.Durable.Tests;

/// <summary>Index rows written together go to storage in shared transactions, and a delete never undoes a later touch.</summary>
public sealed class IndexWriterTests : IAsyncLifetime
{
    private const string Partition = "00";
    private readonly RequestCounter _requests = new();
    private TableClient _table = null!;

    public async Task InitializeAsync()
    {
        var options = new TableClientOptions();
        options.AddPolicy(_requests, HttpPipelinePosition.PerCall);
        _table = new TableServiceClient(Azurite.ConnectionString, options).GetTableClient(Azurite.UniqueName("index"));
        await _table.CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync() => await _table.DeleteAsync();

    [Fact]
    public async Task TouchAsync_ManyAtOnce_WritesEveryRowInFewerRequests()
    {
        // Arrange
        var writer = new IndexWriter(_table);
        var ids = Enumerable.Range(0, 50).Select(i => $"touch-{i}").ToList();
        _requests.Reset();

        // Act
        await Task.WhenAll(ids.Select(id => writer.TouchAsync(Partition, id)));

        // Assert
        Assert.Equal(ids.Order(), (await RowKeysAsync()).Order());
        Assert.InRange(_requests.Count, 1, ids.Count / 2);
    }

    [Fact]
    public async Task DeleteAsync_OneRowAlreadyGone_DeletesTheOthers()
    {
        // Arrange: a delete of a missing row fails a whole transaction.
        var writer = new IndexWriter(_table);
        await Task.WhenAll(new[] { "a", "b", "c" }.Select(id => writer.TouchAsync(Partition, id)));
        await _table.DeleteEntityAsync(Partition, "b");

        // Act
        await Task.WhenAll(new[] { "a", "b", "c" }.Select(id => writer.DeleteAsync(Partition, id)));

        // Assert
        Assert.Empty(await RowKeysAsync());
    }

    [Fact]
    public async Task TouchAsync_RightAfterDeleteOfSameRow_RowStays()
    {
        // Arrange
        var writer = new IndexWriter(_table);
        await writer.TouchAsync(Partition, "x");

        // Act: an instance that finished and was at once created again.
        var deleted = writer.DeleteAsync(Partition, "x");
        await writer.TouchAsync(Partition, "x");
        await deleted;

        // Assert
        Assert.Equal(["x"], await RowKeysAsync());
    }

    private async Task<List<string>> RowKeysAsync()
    {
        var keys = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }

    /// <summary>Counts the requests sent to the table.</summary>
    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Volatile.Write(ref _count, 0);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
