using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;

namespace Transfers.Durable.Storage;

/// <summary>Payload offloading: text too long for a table property goes to a blob, and the row keeps its name.</summary>
internal sealed partial class HubStore
{
    /// <summary>
    /// The longest text kept in a row. Far below the 32K-character property limit so that a full 100-entity batch
    /// stays under the 4 MB request limit.
    /// </summary>
    public const int InlinePayloadLimit = 12_000;

    private const string BlobSuffix = "Blob";

    private async Task SetPayloadAsync(TableEntity entity, string property, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length <= InlinePayloadLimit)
        {
            entity[property] = value;
            return;
        }

        // A fresh name per write: an uncommitted step must never change what a committed row points to.
        var name = $"{entity.PartitionKey}/{Guid.NewGuid():N}";
        await _payloads.GetBlobClient(name).UploadAsync(BinaryData.FromString(value), overwrite: true, cancellationToken);
        entity[property + BlobSuffix] = name;
    }

    private async Task<string?> GetPayloadAsync(TableEntity entity, string property, CancellationToken cancellationToken)
    {
        if (entity.GetString(property + BlobSuffix) is not { } name)
        {
            return entity.GetString(property);
        }

        var content = await _payloads.GetBlobClient(name).DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToString();
    }

    private async Task DeletePayloadsAsync(string instanceId, CancellationToken cancellationToken)
    {
        await foreach (var blob in _payloads.GetBlobsAsync(new GetBlobsOptions { Prefix = instanceId + "/" }, cancellationToken))
        {
            await _payloads.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
        }
    }
}
