namespace Transfers.Testing;

/// <summary>Finds files of the repository from a test's output folder.</summary>
public static class RepositoryRoot
{
    /// <summary>Gets the repository root: the first folder above the test binaries that holds the solution.</summary>
    public static string Path { get; } = Find();

    /// <summary>Combines a repository-relative path with the root.</summary>
    /// <param name="relativePath">The path inside the repository, with forward slashes.</param>
    /// <returns>The absolute path.</returns>
    public static string File(string relativePath) => System.IO.Path.Combine(Path, relativePath);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Transfers.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (with Transfers.Functions.sln) is not above " + AppContext.BaseDirectory);
    }
}
