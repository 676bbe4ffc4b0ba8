namespace Transfers.Infra.Tests;

/// <summary>
/// Every route the local host serves has an HTTP function in the built Functions app (its generated
/// <c>functions.metadata</c>), and no function serves a route the API lacks.
/// </summary>
public sealed class HttpRouteTests
{
    [Fact]
    public void Routes_EveryApiRoute_HasAnHttpFunctionWithTheSameRouteAndMethod()
    {
        // Arrange
        var functions = HttpFunctions();

        // Act
        var missing = ApiRoutes.All
            .Where(route => !ApiRoutes.IsReserved(route.Template))
            .Where(route => !functions.Any(f => f.Route == route.Template && f.Methods.Contains(route.Method)))
            .ToList();

        // Assert
        Assert.Contains(ApiRoutes.All, r => r.Template == "health");
        Assert.True(
            missing.Count == 0,
            $"Add to src/Transfers.Functions/HttpRoutes.cs an [HttpTrigger] function for: {string.Join(", ", missing)}.");
    }

    [Fact]
    public void Routes_EveryHttpFunction_ServesAnApiRoute()
    {
        // Arrange
        var routes = ApiRoutes.All;

        // Act
        var stale = HttpFunctions()
            .SelectMany(f => f.Methods.Select(m => new ApiRoute(m, f.Route!)))
            .Where(r => !routes.Contains(r))
            .ToList();

        // Assert
        Assert.NotEmpty(HttpFunctions());
        Assert.True(stale.Count == 0, $"These HTTP functions serve no route of the API: {string.Join(", ", stale)}.");
    }

    [Fact]
    public void Routes_HttpFunctions_AvoidRoutesTheFunctionsHostReserves()
    {
        // Arrange / Act
        var reserved = HttpFunctions().Where(f => ApiRoutes.IsReserved(f.Route!)).Select(f => f.Name).ToList();

        // Assert
        Assert.Empty(reserved);
    }

    [Fact]
    public void Routes_HttpFunctions_AreAnonymousAndBindTheDurableClient()
    {
        // Arrange / Act
        var functions = HttpFunctions();

        // Assert
        Assert.NotEmpty(functions);
        Assert.All(functions, f => Assert.Equal("Anonymous", f.AuthLevel));
        Assert.All(functions, f => Assert.Equal(["durableClient"], f.InputBindings));
    }

    [Fact]
    public void Normalize_RouteTemplate_DropsSlashesAndConstraints()
    {
        // Arrange / Act / Assert
        Assert.Equal("v1/shares/{shareid}/transfers/{transferid}", ApiRoutes.Normalize("/v1/shares/{shareId:guid}/transfers/{transferId}"));
        Assert.Equal("files/{*path}", ApiRoutes.Normalize("files/{*path}"));
        Assert.Equal("items/{id?}", ApiRoutes.Normalize("items/{id:int?}"));
    }

    private static List<GeneratedFunction> HttpFunctions() =>
        FunctionsMetadata.All
            .Where(f => f.Trigger == "httpTrigger")
            .Select(f => f with { Route = ApiRoutes.Normalize(f.Route ?? f.Name) })
            .ToList();
}
