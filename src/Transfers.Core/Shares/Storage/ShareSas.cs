using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
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

    /// <summary>
    /// Signs read SAS URIs of blobs, for the sources of server-side copies. Without the account key, one user delegation
    /// key signs them all: fetching one per file would add a request (and a round trip to the identity's token) per copy.
    /// </summary>
    /// <param name="service">The service client of the blobs to sign.</param>
    /// <param name="expiresOn">When the URIs expire; the delegation key expires with them.</param>
    /// <param name="cancellationToken">Cancels the key request.</param>
    /// <returns>A function that signs one blob of <paramref name="service"/>.</returns>
    public static async Task<Func<BlobClient, Uri>> BlobReaderAsync(BlobServiceClient service, DateTimeOffset expiresOn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.CanGenerateAccountSasUri)
        {
            return blob => blob.GenerateSasUri(BlobSasPermissions.Read, expiresOn);
        }

        var key = await service.GetUserDelegationKeyAsync(null, expiresOn, cancellationToken);
        return blob => Sign(
            blob.Uri,
            new BlobSasBuilder(BlobSasPermissions.Read, expiresOn) { BlobContainerName = blob.BlobContainerName, BlobName = blob.Name, Resource = "b" },
            key.Value,
            service.AccountName);
    }

    private static async Task<Uri> WithDelegationAsync(BlobServiceClient service, Uri uri, BlobSasBuilder builder, DateTimeOffset expiresOn, CancellationToken cancellationToken)
    {
        var key = await service.GetUserDelegationKeyAsync(null, expiresOn, cancellationToken);
        return Sign(uri, builder, key.Value, service.AccountName);
    }

    private static Uri Sign(Uri uri, BlobSasBuilder builder, UserDelegationKey key, string accountName) =>
        new BlobUriBuilder(uri) { Sas = builder.ToSasQueryParameters(key, accountName) }.ToUri();
}
