using Azure.Data.Tables;
using Transfers.Core.Tabular;

namespace Transfers.Core.Tests.Tabular;

public sealed class TableRowKeysTests
{
    [Fact]
    public void ForDestination_CompositeKey_FirstColumnIsPartitionRestIsEscapedRowKey()
    {
        var row = new TableEntity("sp", "sr") { ["tenant"] = "t1", ["id"] = "a/b|c", ["n"] = 3, ["Timestamp"] = DateTimeOffset.UtcNow, ["odata.etag"] = "W/\"x\"", ["n@odata.type"] = "Edm.Int32" };

        var entity = TableRowKeys.ForDestination(row, ["tenant", "id", "n"]);

        Assert.Equal("t1", entity.PartitionKey);
        Assert.Equal("a%2Fb%7Cc|3", entity.RowKey);
        Assert.Equal(3, entity.GetInt32("n"));
        Assert.Same(row, entity);
        Assert.Equal(["PartitionKey", "RowKey", "id", "n", "tenant"], entity.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ForDestination_SingleKey_HashBucketPartitionIsStable()
    {
        var first = TableRowKeys.ForDestination(new TableEntity("x", "y") { ["id"] = "42" }, ["id"]);
        var again = TableRowKeys.ForDestination(new TableEntity("other", "z") { ["id"] = "42" }, ["id"]);

        Assert.Equal("42", first.RowKey);
        Assert.Equal(first.PartitionKey, again.PartitionKey);
        Assert.Single(first.PartitionKey);
    }

    [Fact]
    public void ForDestination_MissingKey_ThrowsAndLeavesTheRow()
    {
        var row = new TableEntity("p", "r") { ["name"] = "n" };

        Assert.Throws<InvalidOperationException>(() => TableRowKeys.ForDestination(row, ["id"]));
        Assert.Equal(("p", "r"), (row.PartitionKey, row.RowKey));
    }

    [Fact]
    public void ForDestination_NoPrimaryKey_KeepsSourceKeysAndDropsServiceProperties()
    {
        var row = new TableEntity("sp", "sr") { ["n"] = 1, ["Timestamp"] = DateTimeOffset.UtcNow, ["odata.etag"] = "W/\"x\"", ["n@odata.type"] = "Edm.Int32" };

        var entity = TableRowKeys.ForDestination(row, null);

        Assert.Equal(("sp", "sr"), (entity.PartitionKey, entity.RowKey));
        Assert.Equal(["PartitionKey", "RowKey", "n"], entity.Keys.Order(StringComparer.Ordinal));
    }
}
