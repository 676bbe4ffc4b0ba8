using Azure;
using Azure.Data.Tables;
using Transfers.Core.DurableTask;
using Transfers.Core.Exports;
using Transfers.Testing;

namespace Transfers.Core.Tests.Exports;

public sealed class ExportErrorsTests
{
    [Fact]
    public async Task Describe_StorageFailure_KeepsOperationStatusAndErrorCodeOnly()
    {
        // Arrange
        var missing = Azurite.Tables.GetTableClient(Azurite.UniqueName("none"));
        var exception = await Assert.ThrowsAsync<RequestFailedException>(() => missing.AddEntityAsync(new TableEntity("p", "r")));
        var failure = TaskFailureDetails.FromException(exception);

        // Act
        var message = ExportErrors.Describe(failure, "Exporting chunk 2");

        // Assert
        Assert.Contains("Headers:", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal($"Exporting chunk 2 failed: storage answered 404 (Not Found), error code {exception.ErrorCode}.", message);
        Assert.False(string.IsNullOrEmpty(exception.ErrorCode));
    }

    [Fact]
    public void Describe_OtherFailure_KeepsTypeAndFirstLineWithinLimit()
    {
        // Arrange
        var failure = TaskFailureDetails.FromException(new InvalidOperationException("Row p/r has no primary key column 'id'.\nat line two: detail"));
        var tooLong = TaskFailureDetails.FromException(new InvalidOperationException(new string('x', 1_000)));

        // Act
        var message = ExportErrors.Describe(failure, "Exporting chunk 0");
        var shortened = ExportErrors.Describe(tooLong, "Writing the manifest");

        // Assert
        Assert.Equal("Exporting chunk 0 failed: InvalidOperationException: Row p/r has no primary key column 'id'.", message);
        Assert.StartsWith("Writing the manifest failed: InvalidOperationException: xxx", shortened, StringComparison.Ordinal);
        Assert.EndsWith("...", shortened, StringComparison.Ordinal);
        Assert.True(shortened.Length < ExportErrors.MaxMessageLength + 80);
    }
}
