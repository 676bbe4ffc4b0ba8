using System.Text.Json;

namespace Transfers.Infra.Tests;

/// <summary>One function of the Functions app as the Worker SDK registered it: its name, trigger and HTTP binding.</summary>
/// <param name="Name">The function name.</param>
/// <param name="Trigger">The trigger binding's type (<c>orchestrationTrigger</c>, <c>activityTrigger</c>, <c>httpTrigger</c>, ...).</param>
/// <param name="EntryPoint">The method the host invokes.</param>
internal sealed record GeneratedFunction(string Name, string Trigger, string EntryPoint)
{
    /// <summary>Gets the HTTP methods of an HTTP trigger, upper case.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>Gets the route of an HTTP trigger.</summary>
    public string? Route { get; init; }

    /// <summary>Gets the authorization level of an HTTP trigger.</summary>
    public string? AuthLevel { get; init; }

    /// <summary>Gets the types of the function's other input bindings (a <c>durableClient</c>, for instance).</summary>
    public IReadOnlyList<string> InputBindings { get; init; } = [];
}

/// <summary>
/// Reads <c>functions.metadata</c>, which the Worker SDK generates into the output of src/Transfers.Functions when the
/// solution is built: the functions exactly as the Functions host will index them, not as the sources spell them.
/// </summary>
internal static class FunctionsMetadata
{
    /// <summary>Gets the folder of the built Functions app (the test project's build records it).</summary>
    public static string OutputDirectory { get; } = Repository.Metadata("FunctionsOutput");

    /// <summary>Gets every function of the built app.</summary>
    public static IReadOnlyList<GeneratedFunction> All { get; } = Parse(File.ReadAllText(Path.Combine(OutputDirectory, "functions.metadata")));

    /// <summary>Reads the functions of one <c>functions.metadata</c> document.</summary>
    /// <param name="json">The document.</param>
    /// <returns>One entry per function.</returns>
    public static IReadOnlyList<GeneratedFunction> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(Read).ToList();
    }

    private static GeneratedFunction Read(JsonElement function)
    {
        var inputs = function.GetProperty("bindings").EnumerateArray()
            .Where(b => b.GetProperty("direction").GetString() == "In")
            .ToList();
        var trigger = inputs.Single(IsTrigger);
        return new GeneratedFunction(
            function.GetProperty("name").GetString()!,
            trigger.GetProperty("type").GetString()!,
            function.GetProperty("entryPoint").GetString()!)
        {
            Methods = trigger.TryGetProperty("methods", out var methods)
                ? methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToList()
                : [],
            Route = trigger.TryGetProperty("route", out var route) ? route.GetString() : null,
            AuthLevel = trigger.TryGetProperty("authLevel", out var level) ? level.GetString() : null,
            InputBindings = inputs.Where(b => !IsTrigger(b)).Select(b => b.GetProperty("type").GetString()!).ToList(),
        };
    }

    private static bool IsTrigger(JsonElement binding) =>
        binding.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal);
}
