using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Transfers.Core.Tabular;
using Transfers.Testing;

namespace Transfers.Core.Tests.Tabular;

/// <summary>What <see cref="TableBatchWriter"/> sends to the table service, seen on the wire by a pipeline policy.</summary>
public sealed partial class TableBatchWriterBatchSizeTests
{
    [Fact]
    public async Task FlushAsync_TwoPartitions_SendsFullHundredRowTransactionsOfOnePartitionEach()
    {
        // Arrange
        var transactions = new TransactionRecorder();
        var options = new TableClientOptions();
        options.AddPolicy(transactions, HttpPipelinePosition.PerCall);
        var table = new TableServiceClient(Azurite.ConnectionString, options).GetTableClient(Azurite.UniqueName("batch"));
        await table.CreateIfNotExistsAsync();
        var writer = new TableBatchWriter(table, maxParallelBatches: 4);

        // Act
        for (var i = 0; i < 250; i++)
        {
            await writer.AddAsync(new TableEntity("a", i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)) { ["v"] = i });
            if (i < 30)
            {
                await writer.AddAsync(new TableEntity("b", i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)) { ["v"] = i });
            }
        }

        await writer.FlushAsync();

        // Assert
        var sent = transactions.Batches.ToList();
        Assert.Equal(280, writer.RowsWritten);
        Assert.Equal([30, 50, 100, 100], sent.Select(b => b.Count).Order());
        Assert.All(sent, b => Assert.Single(b.Distinct()));
        Assert.Equal(250, sent.Where(b => b[0] == "a").Sum(b => b.Count));
        var stored = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            stored++;
        }

        Assert.Equal(280, stored);
    }

    /// <summary>Records, for every entity-group transaction sent, the partition key of each operation in it.</summary>
    private sealed partial class TransactionRecorder : HttpPipelinePolicy
    {
        public ConcurrentQueue<List<string>> Batches { get; } = new();

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message);
            return ProcessNextAsync(message, pipeline);
        }

        private void Record(HttpMessage message)
        {
            if (!message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) || message.Request.Content is null)
            {
                return;
            }

            using var body = new MemoryStream();
            message.Request.Content.WriteTo(body, CancellationToken.None);
            var text = System.Text.Encoding.UTF8.GetString(body.ToArray());
            Batches.Enqueue([.. OperationLine().Matches(text).Select(m => Uri.UnescapeDataString(m.Groups["pk"].Value))]);
        }

        // One line per operation of the changeset, such as "PUT http://…/table(PartitionKey='a',RowKey='0001')?$format=… HTTP/1.1".
        [GeneratedRegex(@"^(PUT|MERGE|POST|DELETE|PATCH) \S*\(PartitionKey='(?<pk>[^']*)',RowKey='[^']*'\)\S* HTTP/1\.1\r?$", RegexOptions.Multiline)]
        private static partial Regex OperationLine();
    }
}
