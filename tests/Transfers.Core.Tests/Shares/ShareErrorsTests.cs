using Azure;
using Transfers.Core.DurableTask;
using Transfers.Core.Shares;
using Transfers.Testing;

namespace Transfers.Core.Tests.Shares;

/// <summary>The messages of errors[], from real storage failures of the test Azurite.</summary>
public sealed class ShareErrorsTests
{
    [Fact]
    public async Task Describe_StorageFailureCaughtOrRecordedByTheEngine_KeepsStatusAndErrorCodeOnly()
    {
        // Arrange
        var failure = await Assert.ThrowsAsync<RequestFailedException>(
            () => Azurite.Blobs.GetBlobContainerClient(Azurite.UniqueName("missing")).GetPropertiesAsync());

        // Act
        var caught = ShareErrors.Describe("Copying the file", failure);
        var recorded = ShareErrors.Describe(nameof(DiffSourcePageActivity), TaskFailureDetails.FromException(failure));

        // Assert: the SDK's own text goes on with the response headers.
        Assert.Contains("Headers:", failure.Message, StringComparison.Ordinal);
        Assert.Equal("Copying the file failed: the storage service answered 404 (ContainerNotFound).", caught);
        Assert.Equal("Listing the source failed: the storage service answered 404 (ContainerNotFound).", recorded);
    }

    [Fact]
    public void Describe_StorageFailureInsideAWrapper_KeepsStatusAndErrorCodeOnly()
    {
        // Arrange
        var wrapped = new InvalidOperationException("The channel has been closed.", new RequestFailedException(404, "Not found\nHeaders: x", "TableNotFound", null));

        // Act
        var message = ShareErrors.Describe("Loading the table", wrapped);

        // Assert
        Assert.Equal("Loading the table failed: the storage service answered 404 (TableNotFound).", message);
    }

    [Fact]
    public void Describe_OtherFailure_KeepsItsFirstLineOnly()
    {
        // Arrange
        var failure = new TaskFailureDetails(typeof(InvalidOperationException).FullName!, "The source container 'x' does not exist.\nat line 2");

        // Act
        var message = ShareErrors.Describe(nameof(DiffSourcePageActivity), failure);

        // Assert
        Assert.Equal("The source container 'x' does not exist.", message);
    }
}
