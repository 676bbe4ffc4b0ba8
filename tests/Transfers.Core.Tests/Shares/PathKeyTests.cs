using Transfers.Core.Shares;

namespace Transfers.Core.Tests.Shares;

public sealed class PathKeyTests
{
    private static readonly string[] s_paths =
    [
        "", " ", "\u0001x", "!", "\"", "#", "$", "-", ".", "./", "/", "0", "a", "a b", "a#b", "a-b", "a.b", "a/", "a/b", "a/b/c", "a0", "a?", "a>",
        "a[", "a\\", "a]", "a~", "a\u007f", "a\u009f", "a\u00a0", "a\u00e9", "b", "z", "~", "\u4e2d",
    ];

    [Fact]
    public void Encode_AnyTwoPaths_KeepsTheirOrdinalOrder()
    {
        // Arrange
        var sorted = s_paths.Order(StringComparer.Ordinal).ToList();

        // Act
        var keys = sorted.Select(PathKey.Encode).ToList();

        // Assert
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Encode_ForbiddenCharacters_NeverAppearInKeys()
    {
        // Act
        var keys = s_paths.Select(PathKey.Encode);

        // Assert
        Assert.All(keys, k => Assert.True(k.IndexOfAny(['/', '\\', '#', '?']) < 0 && !k.Any(char.IsControl), k));
    }

    [Fact]
    public void UpperBound_FolderPrefix_CoversExactlyThePathsInsideIt()
    {
        // Arrange
        var from = PathKey.Encode("a/");
        var to = PathKey.UpperBound(from);

        // Act
        var inside = s_paths.Where(p => string.CompareOrdinal(PathKey.Encode(p), from) >= 0 && string.CompareOrdinal(PathKey.Encode(p), to) < 0);

        // Assert
        Assert.Equal(["a/", "a/b", "a/b/c"], inside);
    }
}
