namespace Transfers.DurableTask.Tests;

public sealed class DurableFailuresTests
{
    [Fact]
    public void FromOutput_TypeAndMessage_SplitsThemAtTheFirstSeparator()
    {
        // Act: the text Durable Task's Azure Storage provider keeps for a failed instance.
        var failure = DurableFailures.FromOutput("System.InvalidOperationException: attempt 3 fails: for good");

        // Assert
        Assert.Equal("System.InvalidOperationException", failure.ErrorType);
        Assert.Equal("attempt 3 fails: for good", failure.ErrorMessage);
        Assert.Null(failure.StackTrace);
    }

    [Fact]
    public void FromOutput_TextNamingNoType_IsAllMessage()
    {
        // Act
        var failure = DurableFailures.FromOutput("it broke: badly");

        // Assert
        Assert.Equal(string.Empty, failure.ErrorType);
        Assert.Equal("it broke: badly", failure.ErrorMessage);
    }
}
