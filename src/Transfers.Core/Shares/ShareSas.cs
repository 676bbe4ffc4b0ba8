using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;

namespace Transfers.Core.Shares;

/// <summary>
/// Issues SAS URIs: with the account key when the client has one (Azurite, connection strings), else with a user
/// delegation key (managed identity on Azure).
/// </summary>
public static class ShareSas
{
    /// <summary>A read+list SAS URI of a container.</summary>
    /// <param name="container">The container.</param>
    /// <param name="expiresOn">When it expires.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The URI.</returns>
    public static async Task<Uri> ContainerReadListAsync(BlobContainerClient container, DateTimeOffset expiresOn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        const BlobContainerSasPermissions permissions = BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List;
        if (container.CanGenerateSasUri)
        {
            return container.GenerateSasUri(permissions, expiresOn);
        }

        var builder = new BlobSasBuilder(permissions, expiresOn) { BlobContainerName = container.Name, Resource = "c" };
        return await WithDelegationAsync(container.GetParentBlobServiceClient(), container.Uri, builder, expiresOn, cancellationToken);
    }

    /// <summary>A read SAS URI of a blob, for the source of a server-side copy.</summary>
    /// <param name="blob">The blob.</param>
    /// <param name="expiresOn">When it expires.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The URI.</returns>
    public static async Task<Uri> BlobReadAsync(BlobClient blob, DateTimeOffset expiresOn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(BlobSasPermissions.Read, expiresOn);
        }

        var builder = new BlobSasBuilder(BlobSasPermissions.Read, expiresOn) { BlobContainerName = blob.BlobContainerName, BlobName = blob.Name, Resource = "b" };
        return await WithDelegationAsync(blob.GetParentBlobContainerClient().GetParentBlobServiceClient(), blob.Uri, builder, expiresOn, cancellationToken);
    }

    private static async Task<Uri> WithDelegationAsync(BlobServiceClient service, Uri uri, BlobSasBuilder builder, DateTimeOffset expiresOn, CancellationToken cancellationToken)
    {
        var key = await service.GetUserDelegationKeyAsync(null, expiresOn, cancellationToken);
        return new BlobUriBuilder(uri) { Sas = builder.ToSasQueryParameters(key.Value, service.AccountName) }.ToUri();
    }
}
