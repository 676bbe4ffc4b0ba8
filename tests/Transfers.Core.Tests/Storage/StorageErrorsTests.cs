using Azure;
using Azure.Data.Tables;
using Transfers.Core.DurableTask;
using Transfers.Core.Shares;
using Transfers.Core.Storage;
using Transfers.Testing;

namespace Transfers.Core.Tests.Storage;

/// <summary>The one-line failure descriptions both families show, from real storage failures of the test Azurite.</summary>
public sealed class StorageErrorsTests
{
    [Fact]
    public async Task Describe_StorageFailureCaughtOrRecordedByTheEngine_KeepsStatusAndErrorCodeOnly()
    {
        // Arrange
        var failure = await Assert.ThrowsAsync<RequestFailedException>(
            () => Azurite.Blobs.GetBlobContainerClient(Azurite.UniqueName("missing")).GetPropertiesAsync());
        var missingTable = await Assert.ThrowsAsync<RequestFailedException>(
            () => Azurite.Tables.GetTableClient(Azurite.UniqueName("none")).AddEntityAsync(new TableEntity("p", "r")));

        // Act
        var caught = StorageErrors.Describe("Copying the file", failure);
        var recorded = ShareErrors.Describe(nameof(DiffShareSourcePageActivity), TaskFailureDetails.FromException(failure));
        var chunk = StorageErrors.Describe("Exporting chunk 2", TaskFailureDetails.FromException(missingTable));

        // Assert: the SDK's own text goes on with the response headers.
        Assert.Contains("Headers:", failure.Message, StringComparison.Ordinal);
        Assert.Equal("Copying the file failed: the storage service answered 404 (ContainerNotFound).", caught);
        Assert.Equal("Listing the source failed: the storage service answered 404 (ContainerNotFound).", recorded);
        Assert.Equal($"Exporting chunk 2 failed: the storage service answered 404 ({missingTable.ErrorCode}).", chunk);
    }

    [Fact]
    public void Describe_StorageFailureInsideAWrapper_KeepsStatusAndErrorCodeOnly()
    {
        // Arrange
        var wrapped = new InvalidOperationException("The channel has been closed.", new RequestFailedException(404, "Not found\nHeaders: x", "TableNotFound", null));

        // Act
        var message = StorageErrors.Describe("Loading the table", wrapped);

        // Assert
        Assert.Equal("Loading the table failed: the storage service answered 404 (TableNotFound).", message);
    }

    [Fact]
    public void Describe_OtherFailure_KeepsItsFirstLineWithinTheLimit()
    {
        // Arrange
        var failure = new TaskFailureDetails(typeof(InvalidOperationException).FullName!, "The source container 'x' does not exist.\nat line 2");
        var tooLong = TaskFailureDetails.FromException(new InvalidOperationException(new string('x', 1_000)));

        // Act
        var message = ShareErrors.Describe(nameof(DiffShareSourcePageActivity), failure);
        var shortened = StorageErrors.Describe("Writing the manifest", tooLong);

        // Assert
        Assert.Equal("Listing the source failed: The source container 'x' does not exist.", message);
        Assert.StartsWith("Writing the manifest failed: xxx", shortened, StringComparison.Ordinal);
        Assert.EndsWith("…", shortened, StringComparison.Ordinal);
        Assert.Equal("Writing the manifest failed: ".Length + StorageErrors.MaxMessageLength, shortened.Length);
    }
}
