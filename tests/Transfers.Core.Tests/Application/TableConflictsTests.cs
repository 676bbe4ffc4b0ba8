using Azure;
using Azure.Data.Tables;
using Transfers.Core.Application;

namespace Transfers.Core.Tests.Application;

public sealed class TableConflictsTests
{
    [Theory]
    [InlineData(409, true, true)]
    [InlineData(412, true, true)]
    [InlineData(404, false, true)]
    [InlineData(400, false, false)]
    [InlineData(503, false, false)]
    public void IsLostWriteAndIsLostOrGone_Status_ClassifyIt(int status, bool lost, bool lostOrGone)
    {
        // Arrange
        var failure = new RequestFailedException(status, "failed");

        // Act
        var isLost = TableConflicts.IsLostWrite(failure);
        var isLostOrGone = TableConflicts.IsLostOrGone(failure);

        // Assert
        Assert.Equal((lost, lostOrGone), (isLost, isLostOrGone));
    }

    [Fact]
    public async Task IsLostWrite_ConditionalUpdateAfterAnotherWrite_IsTrue()
    {
        // Arrange: two writers read the same row; the first one writes
        var table = new TableServiceClient(Transfers.Testing.Azurite.ConnectionString).GetTableClient($"conflicts{Guid.NewGuid():N}");
        await table.CreateAsync();
        try
        {
            await table.AddEntityAsync(new TableEntity("p", "r") { ["Value"] = 1 });
            var read = (await table.GetEntityAsync<TableEntity>("p", "r")).Value;
            await table.UpdateEntityAsync(new TableEntity("p", "r") { ["Value"] = 2 }, read.ETag);

            // Act
            var failure = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(new TableEntity("p", "r") { ["Value"] = 3 }, read.ETag));

            // Assert
            Assert.True(TableConflicts.IsLostWrite(failure));
        }
        finally
        {
            await table.DeleteAsync();
        }
    }
}
