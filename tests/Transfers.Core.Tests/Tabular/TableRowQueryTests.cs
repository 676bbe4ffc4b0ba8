using Transfers.Core.Tabular;

namespace Transfers.Core.Tests.Tabular;

public sealed class TableRowQueryTests
{
    [Fact]
    public void ToFilter_WindowAndPartitionRange_CombinesEscapedClauses()
    {
        var query = new TableRowQuery
        {
            TimestampColumn = "last_updated_at",
            From = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
            To = new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero),
            PartitionKeyFrom = "a'b",
        };

        var filter = query.ToFilter();

        Assert.Equal(
            "(last_updated_at ge datetime'2024-01-01T00:00:00Z') and (last_updated_at lt datetime'2024-01-02T00:00:00Z') and (PartitionKey ge 'a''b')",
            filter);
    }

    [Fact]
    public void ToFilter_Nothing_ReturnsNull()
    {
        Assert.Null(new TableRowQuery().ToFilter());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("x or true")]
    [InlineData("1abc")]
    public void ToFilter_WindowWithInvalidColumn_Throws(string? column)
    {
        var query = new TableRowQuery { TimestampColumn = column, From = DateTimeOffset.UnixEpoch };

        Assert.Throws<ArgumentException>(() => query.ToFilter());
    }

    [Fact]
    public void ToSelect_Columns_AddsKeysOnce()
    {
        var select = new TableRowQuery { Columns = ["RowKey", "name"] }.ToSelect();

        Assert.Equal(["PartitionKey", "RowKey", "name"], select);
    }
}
