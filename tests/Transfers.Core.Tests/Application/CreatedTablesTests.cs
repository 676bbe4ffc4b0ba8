using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Transfers.Core.Application;

namespace Transfers.Core.Tests.Application;

public sealed class CreatedTablesTests
{
    [Fact]
    public async Task GetAsync_SameNameTwiceAndConcurrently_CreatesTheTableOnce()
    {
        // Arrange
        var (service, table) = Mocks("records");
        var tables = new CreatedTables(service.Object);

        // Act
        var clients = await Task.WhenAll(tables.GetAsync("records"), tables.GetAsync("records"));
        var again = await tables.GetAsync("records");

        // Assert
        Assert.All(clients, c => Assert.Same(table.Object, c));
        Assert.Same(table.Object, again);
        table.Verify(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>()), Times.Once());
    }

    [Fact]
    public async Task GetAsync_CreationFailedOnce_TriesAgainOnTheNextUse()
    {
        // Arrange: the storage service cannot be reached at first
        var (service, table) = Mocks("records");
        table.SetupSequence(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(0, "unreachable"))
            .ReturnsAsync(Response.FromValue(new TableItem("records"), Mock.Of<Response>()));
        var tables = new CreatedTables(service.Object);

        // Act
        await Assert.ThrowsAsync<RequestFailedException>(() => tables.GetAsync("records"));
        var client = await tables.GetAsync("records");

        // Assert
        Assert.Same(table.Object, client);
        table.Verify(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task GetAsync_OnAzurite_TheTableExists()
    {
        // Arrange
        var name = $"created{Guid.NewGuid():N}";
        var service = new TableServiceClient(Transfers.Testing.Azurite.ConnectionString);

        // Act
        var table = await new CreatedTables(service).GetAsync(name);

        // Assert
        try
        {
            Assert.Equal(name, table.Name);
            Assert.Single(service.Query(t => t.Name == name));
        }
        finally
        {
            await table.DeleteAsync();
        }
    }

    private static (Mock<TableServiceClient> Service, Mock<TableClient> Table) Mocks(string name)
    {
        var table = new Mock<TableClient>();
        table.Setup(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(new TableItem(name), Mock.Of<Response>()));
        var service = new Mock<TableServiceClient>();
        service.Setup(s => s.GetTableClient(name)).Returns(table.Object);
        return (service, table);
    }
}
