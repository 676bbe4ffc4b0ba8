using System.Web;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Transfers.Core.Shares;
using Transfers.Testing;

namespace Transfers.Core.Tests.Shares;

/// <summary>The SAS URIs of copy sources.</summary>
public sealed class ShareSasTests
{
    [Fact]
    public async Task BlobReader_AccountKey_SignsUrisThatReadTheBlobButCannotWriteIt()
    {
        // Arrange
        var container = Azurite.Blobs.GetBlobContainerClient(Azurite.UniqueName("sas"));
        await container.CreateAsync();
        try
        {
            await container.GetBlobClient("a/b.txt").UploadAsync(BinaryData.FromString("contents"));
            var sign = await ShareSas.BlobReaderAsync(Azurite.Blobs, DateTimeOffset.UtcNow.AddMinutes(5));

            // Act
            var signed = new BlobClient(sign(container.GetBlobClient("a/b.txt")));
            var read = await signed.DownloadContentAsync();
            var write = await Assert.ThrowsAsync<RequestFailedException>(() => signed.UploadAsync(BinaryData.FromString("other"), overwrite: true));

            // Assert
            Assert.Equal("contents", read.Value.Content.ToString());
            Assert.Equal(403, write.Status);
        }
        finally
        {
            await container.DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task BlobReader_NoAccountKey_SignsEveryBlobWithOneDelegationKey()
    {
        // Arrange: a client without the account key (as with a managed identity) fetches a user delegation key.
        var expiresOn = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var key = BlobsModelFactory.UserDelegationKey(
            "object-id", "tenant-id", expiresOn.AddDays(-1), expiresOn, "b", "2021-08-06", Convert.ToBase64String(new byte[32]));
        var service = new Mock<BlobServiceClient>();
        service.SetupGet(s => s.CanGenerateAccountSasUri).Returns(false);
        service.SetupGet(s => s.AccountName).Returns("account");
        service.Setup(s => s.GetUserDelegationKeyAsync(null, expiresOn, It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(key, Mock.Of<Response>()));
        var blobs = new[] { "one.bin", "folder/two.bin", "three.bin" }
            .Select(name => new BlobClient(new Uri($"https://account.blob.core.windows.net/source/{name}")))
            .ToList();

        // Act
        var sign = await ShareSas.BlobReaderAsync(service.Object, expiresOn);
        var uris = blobs.Select(sign).ToList();

        // Assert
        service.Verify(s => s.GetUserDelegationKeyAsync(null, expiresOn, It.IsAny<CancellationToken>()), Times.Once());
        Assert.Equal(blobs.Select(b => b.Uri.AbsolutePath), uris.Select(u => u.AbsolutePath));
        Assert.All(uris, uri =>
        {
            var query = HttpUtility.ParseQueryString(uri.Query);
            Assert.Equal("object-id", query["skoid"]);
            Assert.Equal("r", query["sp"]);
            Assert.Equal("b", query["sr"]);
            Assert.False(string.IsNullOrEmpty(query["sig"]));
        });
        Assert.Equal(3, uris.Select(u => HttpUtility.ParseQueryString(u.Query)["sig"]).Distinct().Count());
    }
}
