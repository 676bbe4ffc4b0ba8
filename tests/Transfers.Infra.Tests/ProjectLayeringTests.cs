using System.Xml.Linq;

namespace Transfers.Infra.Tests;

/// <summary>
/// The project references of <c>src/</c> keep their direction: Core references no project of ours; Api, Durable and
/// DurableTask reference only Core; DurableTask.AzureStorage references DurableTask and Core; the hosts (Host,
/// Functions) sit on top and reference anything below them; nothing references a host.
/// </summary>
public sealed class ProjectLayeringTests
{
    private static readonly string[] Hosts = ["Transfers.Host", "Transfers.Functions"];

    /// <summary>What each project below the hosts may reference.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Transfers.Core"] = [],
        ["Transfers.Api"] = ["Transfers.Core"],
        ["Transfers.Durable"] = ["Transfers.Core"],
        ["Transfers.DurableTask"] = ["Transfers.Core"],
        ["Transfers.DurableTask.AzureStorage"] = ["Transfers.DurableTask", "Transfers.Core"],
    };

    [Fact]
    public void ProjectReferences_OfEverySourceProject_KeepTheLayering()
    {
        // Arrange
        var references = ReadReferences();

        // Act
        var violations = Violations(references);

        // Assert: every project is placed in the layering, and none references across it
        string[] placed = [.. Allowed.Keys, .. Hosts];
        Assert.Equal(placed.Order(StringComparer.Ordinal), references.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("Transfers.Core", "Transfers.Api")]
    [InlineData("Transfers.Api", "Transfers.Durable")]
    [InlineData("Transfers.Api", "Transfers.DurableTask")]
    [InlineData("Transfers.Durable", "Transfers.DurableTask")]
    [InlineData("Transfers.DurableTask", "Transfers.DurableTask.AzureStorage")]
    [InlineData("Transfers.Api", "Transfers.Host")]
    [InlineData("Transfers.Host", "Transfers.Functions")]
    public void Violations_OneForbiddenReferenceAdded_ReportsIt(string from, string to)
    {
        // Arrange: today's references plus one that breaks the layering
        var references = ReadReferences();
        references[from] = [.. references[from], to];

        // Act
        var violations = Violations(references);

        // Assert
        Assert.Equal([$"{from} -> {to}"], violations);
    }

    [Fact]
    public void Violations_ProjectNotInTheLayering_ReportsIt()
    {
        // Arrange: a new project must be given its place before anything may reference it
        var references = ReadReferences();
        references["Transfers.Extra"] = ["Transfers.Core"];

        // Act
        var violations = Violations(references);

        // Assert
        Assert.Equal(["Transfers.Extra is not in the layering"], violations);
    }

    /// <summary>
    /// The project references of every project of <c>src/</c> (<c>src/{project}/{project}.csproj</c>; the build's own
    /// generated projects under <c>obj/</c>, such as the Functions SDK's <c>WorkerExtensions</c>, are not ours), by name.
    /// </summary>
    private static Dictionary<string, string[]> ReadReferences() =>
        Directory.EnumerateDirectories(Repository.PathOf("src")).SelectMany(d => Directory.EnumerateFiles(d, "*.csproj")).ToDictionary(
            path => Path.GetFileNameWithoutExtension(path),
            path => XDocument.Load(path).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToArray(),
            StringComparer.Ordinal);

    /// <summary>Each reference the layering forbids, as <c>from -> to</c>, and each project it does not place.</summary>
    private static List<string> Violations(IReadOnlyDictionary<string, string[]> references)
    {
        var violations = new List<string>();
        foreach (var (project, targets) in references.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var isHost = Hosts.Contains(project);
            if (!isHost && !Allowed.ContainsKey(project))
            {
                violations.Add($"{project} is not in the layering");
                continue;
            }

            violations.AddRange(targets
                .Where(target => Hosts.Contains(target) || !(isHost || Allowed[project].Contains(target)))
                .Select(target => $"{project} -> {target}"));
        }

        return violations;
    }
}
