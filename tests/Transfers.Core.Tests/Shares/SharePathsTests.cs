using Transfers.Core.Shares;

namespace Transfers.Core.Tests.Shares;

public sealed class SharePathsTests
{
    [Fact]
    public void Normalize_OverlappingSelections_KeepsDisjointSortedOnes()
    {
        // Act
        var selections = SharePaths.Normalize(["b/x.csv", "a/", "a/inner/file.txt", "a/", "c.txt", "b/"]);

        // Assert
        Assert.Equal(["a/", "b/", "c.txt"], selections);
    }

    [Fact]
    public void DestinationBlob_PrefixWithSlashes_LandsUnderLatest()
    {
        // Act
        var blob = SharePaths.DestinationBlob(new ShareDestination("files", null, "dest", "/consumer/", null), "a/b.txt");

        // Assert
        Assert.Equal("consumer/latest/a/b.txt", blob);
    }

    [Theory]
    [InlineData("/abs")]
    [InlineData("a/../b")]
    [InlineData("..")]
    [InlineData("a\u0007b")]
    [InlineData("")]
    [InlineData("a//b")]
    public void CheckPath_BrokenRule_IsReported(string path) => Assert.NotNull(ShareRequestValidator.CheckPath(path));

    [Theory]
    [InlineData("a/b.txt")]
    [InlineData("folder/")]
    [InlineData("a..b/c")]
    public void CheckPath_ValidPath_IsAccepted(string path) => Assert.Null(ShareRequestValidator.CheckPath(path));
}
