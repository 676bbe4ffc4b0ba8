using System.Text.RegularExpressions;

namespace Transfers.Infra.Tests;

/// <summary>A function declared in src/Transfers.Functions: its <c>[Function]</c> name and its trigger attribute.</summary>
internal sealed record DeclaredFunction(string Name, string Trigger, string File)
{
    /// <summary>Gets the HTTP methods of an HTTP trigger, upper case.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>Gets the route of an HTTP trigger.</summary>
    public string? Route { get; init; }
}

/// <summary>
/// Reads the <c>[Function("...")]</c> methods of src/Transfers.Functions as text: that project cannot be restored on
/// this machine, so it cannot be loaded and reflected over.
/// </summary>
internal static partial class FunctionSources
{
    public static string Directory => Repository.PathOf("src", "Transfers.Functions");

    /// <summary>Gets every function declared in the project's C# files (bin and obj excluded).</summary>
    public static IReadOnlyList<DeclaredFunction> All { get; } = Scan(Directory);

    public static IReadOnlyList<DeclaredFunction> Scan(string directory) =>
        System.IO.Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Parse(File.ReadAllText(f), Path.GetFileName(f)))
            .ToList();

    /// <summary>Finds the functions in one C# source, ignoring comments (the XML docs show examples).</summary>
    public static IEnumerable<DeclaredFunction> Parse(string source, string file)
    {
        var code = StripComments(source);
        foreach (System.Text.RegularExpressions.Match match in FunctionDeclaration().Matches(code))
        {
            var name = match.Groups["literal"].Success
                ? match.Groups["literal"].Value
                : match.Groups["nameof"].Value.Split('.')[^1];
            var trigger = match.Groups["trigger"].Value;
            var arguments = match.Groups["arguments"].Value;
            var route = RouteArgument().Match(arguments);
            var methods = StringLiteral().Matches(route.Success ? arguments[..route.Index] : arguments)
                .Select(m => m.Groups["value"].Value.ToUpperInvariant())
                .ToList();
            yield return new DeclaredFunction(name, trigger.EndsWith("Attribute", StringComparison.Ordinal) ? trigger[..^"Attribute".Length] : trigger, file)
            {
                Methods = methods,
                Route = route.Success ? route.Groups["value"].Value : null,
            };
        }
    }

    /// <summary>Removes comment lines and block comments (the XML docs show example functions).</summary>
    public static string StripComments(string source) =>
        BlockComment().Replace(LineComment().Replace(source, string.Empty), string.Empty);

    // [Function("Name")] or [Function(nameof(Type))], optional further attributes, the method header, then the
    // first parameter's attribute, which is the trigger.
    [GeneratedRegex(
        """\[Function\(\s*(?:"(?<literal>[^"]+)"|nameof\(\s*(?<nameof>[\w.]+)\s*\))\s*\)\]\s*(?:\[[^\]]*\]\s*)*(?:public|internal)\s[^(]*\(\s*\[(?<trigger>\w+)(?<arguments>\((?:[^()"]|"[^"]*")*\))?""",
        RegexOptions.Singleline)]
    private static partial Regex FunctionDeclaration();

    [GeneratedRegex(@"Route\s*=\s*""(?<value>[^""]*)""")]
    private static partial Regex RouteArgument();

    [GeneratedRegex(@"""(?<value>[^""]*)""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^\s*//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();
}
