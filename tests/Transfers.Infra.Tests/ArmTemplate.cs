using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Transfers.Infra.Tests;

/// <summary>A compiled ARM template, with the resources of its nested (module) deployments flattened.</summary>
internal sealed partial class ArmTemplate(JsonObject root)
{
    public JsonObject Root { get; } = root;

    /// <summary>Gets every resource, modules included, with the template (module) that declares it.</summary>
    public IReadOnlyList<ArmResource> Resources => Flatten(Root).ToList();

    public JsonObject Outputs => Root["outputs"]!.AsObject();

    public JsonObject Parameters => Root["parameters"]!.AsObject();

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public ArmResource Single(string type) => Assert.Single(OfType(type));

    /// <summary>Gets the module deployment (in main) whose template declares a resource of <paramref name="type"/>.</summary>
    public JsonObject ModuleDeclaring(string type) =>
        Assert.Single(Root["resources"]!.AsArray().Select(r => r!.AsObject()), r =>
            (string?)r["type"] == "Microsoft.Resources/deployments"
            && r["properties"]!["template"]!["resources"]!.AsArray().Any(x => string.Equals((string?)x!["type"], type, StringComparison.OrdinalIgnoreCase)));

    private static IEnumerable<ArmResource> Flatten(JsonObject template)
    {
        foreach (var node in template["resources"]!.AsArray())
        {
            var resource = node!.AsObject();
            var type = (string)resource["type"]!;
            if (type == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Flatten(nested))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return new ArmResource(type, resource, template);
            }
        }
    }
}

/// <summary>One resource of a compiled template and the template that declares it.</summary>
internal sealed partial record ArmResource(string Type, JsonObject Json, JsonObject Template)
{
    public JsonNode? Properties => Json["properties"];

    /// <summary>Resolves <c>variables('x').y</c> expressions in a string against the declaring template.</summary>
    public string Resolve(string expression)
    {
        var match = VariableMember().Match(expression);
        return match.Success
            ? (string?)Template["variables"]?[match.Groups["variable"].Value]?[match.Groups["member"].Value] ?? expression
            : expression;
    }

    [GeneratedRegex(@"variables\('(?<variable>\w+)'\)\.(?<member>\w+)")]
    private static partial Regex VariableMember();
}
