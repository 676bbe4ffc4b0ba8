namespace Transfers.Core.Shares;

/// <summary>How share paths map to blob names.</summary>
public static class SharePaths
{
    /// <summary>The folder under the destination prefix where files land.</summary>
    public const string LatestFolder = "latest/";

    /// <summary>Normalizes a prefix to a folder: empty, or ending with one slash.</summary>
    /// <param name="prefix">The prefix as given.</param>
    /// <returns>The folder prefix.</returns>
    public static string Folder(string? prefix)
    {
        var trimmed = (prefix ?? string.Empty).Trim('/');
        return trimmed.Length == 0 ? string.Empty : trimmed + "/";
    }

    /// <summary>The source blob name of a path.</summary>
    /// <param name="source">The share source.</param>
    /// <param name="path">The path relative to the source prefix.</param>
    /// <returns>The blob name.</returns>
    public static string SourceBlob(ShareSource source, string path)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Folder(source.Prefix) + path;
    }

    /// <summary>The destination blob name of a path: <c>{prefix}/latest/{path}</c>.</summary>
    /// <param name="destination">The files destination.</param>
    /// <param name="path">The path relative to the source prefix.</param>
    /// <returns>The blob name.</returns>
    public static string DestinationBlob(ShareDestination destination, string path)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Folder(destination.Prefix) + LatestFolder + path;
    }

    /// <summary>
    /// Sorts path names ordinally and drops duplicates and entries inside a selected folder, so that the selections are
    /// disjoint ranges.
    /// </summary>
    /// <param name="pathNames">The path names as given.</param>
    /// <returns>The disjoint selections, in order.</returns>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> pathNames)
    {
        ArgumentNullException.ThrowIfNull(pathNames);
        var result = new List<string>();
        foreach (var path in pathNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (result.Count > 0 && result[^1].EndsWith('/') && path.StartsWith(result[^1], StringComparison.Ordinal))
            {
                continue;
            }

            result.Add(path);
        }

        return result;
    }

    /// <summary>Whether a path is inside one of the normalized selections.</summary>
    /// <param name="selections">The output of <see cref="Normalize"/>.</param>
    /// <param name="path">A file path.</param>
    /// <returns><c>true</c> when selected.</returns>
    public static bool IsSelected(IReadOnlyList<string> selections, string path)
    {
        ArgumentNullException.ThrowIfNull(selections);
        return selections.Any(s => s.EndsWith('/') ? path.StartsWith(s, StringComparison.Ordinal) : path.Equals(s, StringComparison.Ordinal));
    }
}
