using System.Text.Json;
using System.Text.RegularExpressions;
using Transfers.Testing;

namespace Transfers.Api.Tests;

public sealed partial class RepositoryLayoutTests
{
    [Fact]
    public void Solution_IsWhatTheTestScriptBuildsAndListsNoMissingProject()
    {
        var inSolution = SolutionProjects();
        var testScript = File.ReadAllText(RepositoryRoot.File("test.sh"));

        Assert.Contains("src/Transfers.Functions/Transfers.Functions.csproj", inSolution);
        Assert.Contains("dotnet build Transfers.Functions.sln", testScript, StringComparison.Ordinal);
        Assert.All(inSolution, p => Assert.True(File.Exists(RepositoryRoot.File(p)), p));
        Assert.Empty(Directory.EnumerateFiles(RepositoryRoot.Path, "*.slnf"));
    }

    [Fact]
    public void Solution_ListsEveryProjectOfSrcTestsAndBench()
    {
        var inSolution = SolutionProjects();
        var onDisk = new[] { "src", "tests", "bench" }
            .SelectMany(folder => Directory.EnumerateFiles(RepositoryRoot.File(folder), "*.csproj", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(RepositoryRoot.Path, path).Replace('\\', '/'))
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(onDisk);
        Assert.All(onDisk, p => Assert.Contains(p, inSolution));
    }

    [Fact]
    public void LocalSettingsSample_HasTheFunctionsKeysAndALocalOnlyAdminKey()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.File("local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values");

        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("AzureWebJobsStorage").GetString());
        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.Contains("not-for-production", values.GetProperty("Transfers__AdminApiKey").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The projects of the solution, as repository-relative paths with forward slashes.</summary>
    private static HashSet<string> SolutionProjects() =>
        ProjectPath().Matches(File.ReadAllText(RepositoryRoot.File("Transfers.Functions.sln"))).Select(m => m.Groups[1].Value.Replace('\\', '/')).ToHashSet();

    [GeneratedRegex("\"([^\"]+\\.csproj)\"")]
    private static partial Regex ProjectPath();
}
