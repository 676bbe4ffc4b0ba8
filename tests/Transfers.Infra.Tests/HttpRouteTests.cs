namespace Transfers.Infra.Tests;

/// <summary>Every route the local host serves has an HTTP function in src/Transfers.Functions, and no function serves a route the API lacks.</summary>
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
        // Arrange
        var source = FunctionSources.StripComments(Repository.ReadText("src", "Transfers.Functions", "HttpRoutes.cs"));

        // Act
        var triggers = System.Text.RegularExpressions.Regex.Matches(source, @"\[HttpTrigger\((?<level>[\w.]+),").Select(m => m.Groups["level"].Value).ToList();

        // Assert
        Assert.Equal(HttpFunctions().Count, triggers.Count);
        Assert.All(triggers, level => Assert.Equal("AuthorizationLevel.Anonymous", level));
        Assert.Equal(triggers.Count, System.Text.RegularExpressions.Regex.Count(source, @"\[DurableClient\] DurableTaskClient client\) => api\.Handle\(request, client\);"));
    }

    [Fact]
    public void Normalize_RouteTemplate_DropsSlashesAndConstraints()
    {
        // Arrange / Act / Assert
        Assert.Equal("v1/shares/{shareid}/transfers/{transferid}", ApiRoutes.Normalize("/v1/shares/{shareId:guid}/transfers/{transferId}"));
        Assert.Equal("files/{*path}", ApiRoutes.Normalize("files/{*path}"));
        Assert.Equal("items/{id?}", ApiRoutes.Normalize("items/{id:int?}"));
    }

    private static List<DeclaredFunction> HttpFunctions() =>
        FunctionSources.All
            .Where(f => f.Trigger == "HttpTrigger")
            .Select(f => f with { Route = ApiRoutes.Normalize(f.Route ?? f.Name) })
            .ToList();
}
