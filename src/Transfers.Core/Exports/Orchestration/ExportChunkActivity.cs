using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Transfers.Core.DurableTask;
using Transfers.Core.Storage;
using Transfers.Core.Tabular;
using Transfers.Core.Telemetry;
using Transfers.Core.Warehouse;

namespace Transfers.Core.Exports;

/// <summary>
/// Exports one chunk of one model: scans at most <c>RowsPerChunk</c> rows of the chunk's partition-key range
/// from its continuation token and writes those in the window to the chunk's own blob (overwritten when retried) or upserts them into the model's table
/// or PostgreSQL table (idempotent), then records progress. Rows stream through; memory holds a few pages.
/// </summary>
/// <param name="connections">The storage connections.</param>
/// <param name="warehouses">The PostgreSQL connections of postgres destinations.</param>
/// <param name="storage">Decides which storage the transfer's tenant may read and write.</param>
/// <param name="transfers">The transfer store.</param>
/// <param name="debugLog">The debug log.</param>
/// <param name="options">The Exports settings.</param>
/// <param name="logger">The logger.</param>
public sealed class ExportChunkActivity(
    StorageConnections connections,
    IPostgresDataSources warehouses,
    StorageAccessPolicy storage,
    ExportTransferStore transfers,
    ExportDebugLog debugLog,
    IOptionsMonitor<ExportsOptions> options,
    ILogger<ExportChunkActivity> logger) : Activity<ExportChunkInput, ExportChunkResult>
{
    /// <inheritdoc/>
    public override async Task<ExportChunkResult> RunAsync(ActivityContext context, ExportChunkInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var model = input.Model;

        // Requests were checked when the model and destination were saved; grants and settings (a hub name) may have
        // changed since, so the rows are not touched unless the tenant may still use both ends.
        var access = await storage.ForTenantAsync(input.Tenant, cancellationToken);
        access.DemandTable(model.SourceConnection, model.SourceTable);
        var destination = input.Destination;
        switch (destination.Vendor)
        {
            case ExportVendors.AzureBlobStorage:
                access.DemandContainer(destination.Connection, destination.Container!);
                break;
            case ExportVendors.Postgres:
                access.DemandSchema(destination.Connection, destination.Schema ?? throw new InvalidOperationException("The postgres destination has no schema."));
                break;
            default:
                access.DemandTable(destination.Connection, ExportPaths.Table(destination, model.ModelName));
                break;
        }

        var source = connections.Tables(model.SourceConnection).GetTableClient(model.SourceTable);
        var query = new TableRowQuery
        {
            TimestampColumn = model.LastUpdatedAtColumn,
            From = model.Window.Start,
            To = model.Window.End,
            PartitionKeyFrom = input.KeyRange.From,
            PartitionKeyTo = input.KeyRange.To,
            Columns = model.Columns,

            // A window from the epoch (a first export or a full refresh) holds nearly every row.
            WindowCheckedInHost = model.Window.Start <= DateTimeOffset.UnixEpoch,
        };

        var (read, bytes, file) = destination.Vendor switch
        {
            ExportVendors.AzureBlobStorage => await WriteBlobAsync(input, source, query, cancellationToken),
            ExportVendors.Postgres => await WritePostgresAsync(input, source, query, cancellationToken),
            _ => await WriteTableAsync(input, source, query, cancellationToken),
        };

        if (file is not null)
        {
            await transfers.SaveFileAsync(input.TransferId, model.ModelName, input.ChunkIndex, file.Path, cancellationToken);
        }

        await transfers.SaveModelAsync(
            input.TransferId,
            new ExportModelMetrics
            {
                ModelName = model.ModelName,
                Status = ExportStatus.Running,
                StartTransferWindowAt = model.Window.Start,
                EndTransferWindowAt = model.Window.End,
                RowsTransferred = input.RowsBefore + read.Rows,
                BytesTransferred = input.BytesBefore + bytes,
            },
            cancellationToken);
        Log.ChunkExported(logger, input.TransferId, model.ModelName, input.ChunkIndex, read.Rows);
        if (input.IsDebugMode)
        {
            await debugLog.WriteAsync(
                input.TransferId,
                $"1-{model.ModelName}-{input.ChunkIndex:D6}",
                $"Model {model.ModelName} chunk {input.ChunkIndex}: {read.Rows} rows, {bytes} bytes{(file is null ? string.Empty : " to " + file.Path)}{(read.ContinuationToken is null ? ", last of its key range" : string.Empty)}.",
                cancellationToken);
        }

        var request = await transfers.GetRequestAsync(input.Tenant, input.TransferId, cancellationToken);
        TransfersTelemetry.RecordMoved(TransfersTelemetry.Exports, input.Tenant, rows: read.Rows, bytes: bytes);
        return new ExportChunkResult(read.Rows, bytes, file, read.ContinuationToken, request?.Transfer.CancelRequested ?? false);
    }

    private async Task<(TableReadResult Read, long Bytes, ExportFile? File)> WriteBlobAsync(
        ExportChunkInput input, TableClient source, TableRowQuery query, CancellationToken cancellationToken)
    {
        var destination = input.Destination;
        var container = connections.Blobs(destination.Connection).GetBlobContainerClient(destination.Container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var path = ExportPaths.DataFile(destination, input.Model, input.TransferId, input.ChunkIndex);
        var blob = container.GetBlockBlobClient(path);

        // The blob opens on the first row, so an empty chunk writes no file; overwrite makes a retry replace it. A
        // failure leaves the stream undisposed on purpose: disposing would commit a partial file.
        Stream? stream = null;
        RowFileWriter? writer = null;
        var read = await TableRowReader.ReadAsync(source, query, input.ContinuationToken, input.RowsPerChunk, async (rows, ct) =>
        {
            if (writer is null)
            {
                stream = await blob.OpenWriteAsync(
                    overwrite: true,
                    new BlockBlobOpenWriteOptions { BufferSize = options.CurrentValue.BlobBlockSizeBytes, HttpHeaders = new BlobHttpHeaders { ContentType = ContentType(destination) } },
                    ct);
                writer = new RowFileWriter(stream, destination.Format, destination.Compression, input.Model.Columns);
            }

            await writer.WriteAsync(rows, ct);
        }, cancellationToken);
        if (writer is null)
        {
            return (read, 0, null);
        }

        await writer.CompleteAsync();
        await stream!.DisposeAsync();
        return (read, writer.Bytes, new ExportFile(path, writer.Rows, writer.Bytes, writer.Sha256!));
    }

    private async Task<(TableReadResult Read, long Bytes, ExportFile? File)> WriteTableAsync(
        ExportChunkInput input, TableClient source, TableRowQuery query, CancellationToken cancellationToken)
    {
        var table = connections.Tables(input.Destination.Connection).GetTableClient(ExportPaths.Table(input.Destination, input.Model.ModelName));
        await table.CreateIfNotExistsAsync(cancellationToken);
        // The model's batch budget is shared by its parallel chunks: more requests than that only queue up in storage.
        var settings = options.CurrentValue;
        var writer = new TableBatchWriter(table, Math.Max(1, settings.MaxParallelTableBatches / Math.Max(1, settings.MaxParallelChunks)));
        long bytes = 0;
        var read = await TableRowReader.ReadAsync(source, query, input.ContinuationToken, input.RowsPerChunk, async (rows, ct) =>
        {
            foreach (var row in rows)
            {
                var entity = TableRowKeys.ForDestination(row, input.Model.PrimaryKey);
                bytes += EstimateBytes(entity);
                await writer.AddAsync(entity, ct);
            }
        }, cancellationToken);
        await writer.FlushAsync(cancellationToken);
        return (read, bytes, null);
    }

    /// <summary>
    /// Upserts the chunk's rows by the model's primary key into <c>schema.model</c>, in one transaction: a retried chunk
    /// (or a later window holding the same rows) replaces them, so every key lands once.
    /// </summary>
    private async Task<(TableReadResult Read, long Bytes, ExportFile? File)> WritePostgresAsync(
        ExportChunkInput input, TableClient source, TableRowQuery query, CancellationToken cancellationToken)
    {
        var model = input.Model;
        var schema = input.Destination.Schema!;
        await using var connection = await warehouses.Get(input.Destination.Connection).OpenConnectionAsync(cancellationToken);
        try
        {
            await PostgresTableWriter.EnsureSchemaAsync(connection, schema, cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var writer = await PostgresTableWriter.BeginAsync(
                connection, new PostgresTableTarget(schema, model.ModelName, PostgresWriteMode.Upsert, model.PrimaryKey), startsLoad: false, cancellationToken);
            long bytes = 0;
            var read = await TableRowReader.ReadAsync(source, query, input.ContinuationToken, input.RowsPerChunk, async (rows, ct) =>
            {
                foreach (var row in rows)
                {
                    Project(row, model.Columns);
                    bytes += EstimateBytes(row);
                }

                await writer.WriteAsync(rows, ct);
            }, cancellationToken);
            await writer.CompleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (read, bytes, null);
        }
        catch (PostgresException e) when (!e.IsTransient)
        {
            throw PostgresTableWriter.RefusedChunk($"{schema}.{model.ModelName}", e);
        }
    }

    /// <summary>
    /// Leaves in a row the columns a warehouse table gets, as a blob export writes them: the model's columns, else every
    /// column the source has but the table service's own <c>Timestamp</c> and ETag. The keys are read even when the model
    /// does not list them, so they go unless listed. In place, as the table export re-keys its rows.
    /// </summary>
    private static void Project(TableEntity row, IReadOnlyList<string>? columns)
    {
        if (columns is null)
        {
            row.Remove("Timestamp");
            row.Remove("odata.etag");
            return;
        }

        foreach (var name in row.Keys.Where(name => !columns.Contains(name, StringComparer.Ordinal)).ToList())
        {
            row.Remove(name);
        }
    }

    private static long EstimateBytes(TableEntity entity)
    {
        // A warehouse row keeps the keys only when the model lists them (Project).
        long bytes = ((entity.PartitionKey?.Length ?? 0) + (entity.RowKey?.Length ?? 0)) * 2L;
        foreach (var (name, value) in entity)
        {
            bytes += name.Length + value switch
            {
                string s => s.Length * 2L,
                byte[] b => b.Length,
                _ => 8,
            };
        }

        return bytes;
    }

    private static string ContentType(ExportTarget destination) =>
        destination.Compression == RowFileCompression.Gzip ? "application/gzip"
        : destination.Format == RowFileFormat.Csv ? "text/csv"
        : "application/x-ndjson";
}
