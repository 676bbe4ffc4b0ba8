using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Transfers.Api;

namespace Transfers.Infra.Tests;

/// <summary>One route of the Transfers API: an HTTP method and a route template without the leading slash.</summary>
internal sealed record ApiRoute(string Method, string Template)
{
    public override string ToString() => $"{Method} /{Template}";
}

/// <summary>
/// The routes the local host serves, read from the endpoint data source that the API's shared mapping
/// (<c>MapTransfersApi</c>) fills. Nothing is started: the app is built and its endpoints are listed.
/// </summary>
internal static partial class ApiRoutes
{
    /// <summary>Route prefixes the Functions host keeps for itself: no function route may start with them.</summary>
    public static readonly string[] ReservedByFunctionsHost = ["admin", "runtime"];

    private static readonly Lazy<IReadOnlyList<ApiRoute>> Routes = new(Read);

    public static IReadOnlyList<ApiRoute> All => Routes.Value;

    public static bool IsReserved(string template) =>
        ReservedByFunctionsHost.Any(prefix => template.Equals(prefix, StringComparison.OrdinalIgnoreCase)
            || template.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase));

    /// <summary>Normalizes a template for comparison: no slashes at the ends, no parameter constraints, lower case.</summary>
    public static string Normalize(string template) =>
        ParameterConstraint().Replace(template.Trim('/'), "{${name}${optional}}").ToLowerInvariant();

    private static List<ApiRoute> Read()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddTransfersApi();
        using var app = builder.Build();
        app.MapTransfersApi();
        return ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => new ApiRoute(method.ToUpperInvariant(), Normalize(endpoint.RoutePattern.RawText ?? string.Empty))))
            .Distinct()
            .ToList();
    }

    [GeneratedRegex(@"\{(?<name>\*{0,2}\w+)(?::[^}=?]+)*(?<optional>\?)?\}")]
    private static partial Regex ParameterConstraint();
}
