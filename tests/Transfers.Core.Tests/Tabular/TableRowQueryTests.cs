using Azure.Data.Tables;
using Transfers.Core.Tabular;

namespace Transfers.Core.Tests.Tabular;

public sealed class TableRowQueryTests
{
    private static readonly DateTimeOffset s_end = new(2024, 1, 2, 0, 0, 0, TimeSpan.Zero);

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
            "(PartitionKey ge 'a''b') and (last_updated_at ge datetime'2024-01-01T00:00:00Z') and (last_updated_at lt datetime'2024-01-02T00:00:00Z')",
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
    public void ToFilter_WindowCheckedInHost_SendsOnlyTheKeyRange()
    {
        var query = new TableRowQuery
        {
            TimestampColumn = "last_updated_at",
            From = DateTimeOffset.UnixEpoch,
            To = s_end,
            PartitionKeyFrom = "a",
            PartitionKeyTo = "b",
            WindowCheckedInHost = true,
        };

        Assert.Equal("(PartitionKey ge 'a') and (PartitionKey lt 'b')", query.ToFilter());
    }

    [Fact]
    public void ToFilter_WindowCheckedInHostWithInvalidColumn_Throws()
    {
        var query = new TableRowQuery { TimestampColumn = "x or true", To = s_end, WindowCheckedInHost = true };

        Assert.Throws<ArgumentException>(() => query.ToFilter());
    }

    [Fact]
    public void Matches_WindowCheckedInHost_KeepsOnlyDatesInTheHalfOpenWindow()
    {
        var query = new TableRowQuery { TimestampColumn = "at", From = s_end.AddDays(-1), To = s_end, WindowCheckedInHost = true };

        Assert.True(query.Matches(Row(s_end.AddDays(-1))));
        Assert.True(query.Matches(Row(s_end.AddTicks(-1))));
        Assert.True(query.Matches(Row(s_end.UtcDateTime.AddHours(-1))));
        Assert.False(query.Matches(Row(s_end)));
        Assert.False(query.Matches(Row(s_end.AddDays(-2))));
        Assert.False(query.Matches(Row("2024-01-01T12:00:00Z")));
        Assert.False(query.Matches(new TableEntity("p", "r")));
    }

    [Fact]
    public void Matches_WindowCheckedByTheService_KeepsEveryRow()
    {
        var query = new TableRowQuery { TimestampColumn = "at", From = s_end.AddDays(-1), To = s_end };

        Assert.True(query.Matches(Row(s_end.AddDays(5))));
    }

    [Fact]
    public void ToSelect_WindowCheckedInHostOnAnUnselectedColumn_ReadsTheColumnToo()
    {
        var query = new TableRowQuery { TimestampColumn = "at", To = s_end, Columns = ["name"], WindowCheckedInHost = true };

        Assert.Equal(["PartitionKey", "RowKey", "name", "at"], query.ToSelect());
    }

    [Fact]
    public void ToSelect_Columns_AddsKeysOnce()
    {
        var select = new TableRowQuery { Columns = ["RowKey", "name"] }.ToSelect();

        Assert.Equal(["PartitionKey", "RowKey", "name"], select);
    }

    private static TableEntity Row(object at) => new("p", "r") { ["at"] = at };
}
