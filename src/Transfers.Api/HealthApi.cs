namespace Transfers.Api;

/// <summary>The liveness route.</summary>
public static class HealthApi
{
    /// <summary>Maps <c>GET /health</c>: 200 while the process serves requests.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/health", () => TypedResults.Ok(new { status = "healthy" })).WithTags("Health");
        return app;
    }
}
