using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Transfers.Core.DurableTask;
using Transfers.Core.Storage;
using Transfers.Core.Tabular;

namespace Transfers.Core.Exports;

/// <summary>
/// Writes a model's manifest after all its files: the files with their row counts, sizes and SHA-256. A reader that
/// trusts manifests never sees a partial export. Then lists it with the transfer's files. Rewriting it gives the same content.
/// </summary>
/// <param name="connections">The storage connections.</param>
/// <param name="transfers">The transfer store.</param>
public sealed class WriteExportManifestActivity(StorageConnections connections, ExportTransferStore transfers) : Activity<WriteExportManifestInput, bool>
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <inheritdoc/>
    public override async Task<bool> RunAsync(ActivityContext context, WriteExportManifestInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var manifest = new
        {
            TransferId = input.TransferId,
            ModelName = input.Model.ModelName,
            StartTransferWindowAt = input.Model.Window.Start,
            EndTransferWindowAt = input.Model.Window.End,
            Format = input.Destination.Format == RowFileFormat.Csv ? "csv" : "jsonl",
            Compression = input.Destination.Compression == RowFileCompression.Gzip ? "gzip" : "none",
            TotalRows = input.Files.Sum(f => f.Rows),
            TotalBytes = input.Files.Sum(f => f.Bytes),
            Files = input.Files.Select(f => new { f.Path, f.Rows, f.Bytes, f.Sha256 }),
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, s_json);
        var path = ExportPaths.Manifest(input.Destination, input.Model.ModelName, input.TransferId);
        var container = connections.Blobs(input.Destination.Connection).GetBlobContainerClient(input.Destination.Container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await container.GetBlobClient(path).UploadAsync(
            new BinaryData(bytes),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken);
        await transfers.SaveFileAsync(input.TransferId, input.Model.ModelName, null, path, cancellationToken);
        return true;
    }
}
