using System.Reflection;
using Microsoft.AspNetCore.StaticFiles;

namespace Transfers.Api.Monitor;

/// <summary>
/// The operator's page, <c>/monitor</c>: static files embedded in this assembly (<c>Monitor/wwwroot</c>), served by both
/// hosts through the same endpoints. The page reads and acts through the public API with the caller's own credential;
/// these routes serve files only, never data.
/// </summary>
public static class MonitorApi
{
    /// <summary>The manifest resource name prefix of the embedded files (see the project file).</summary>
    private const string ResourcePrefix = "monitor/";

    // The page loads only its own files and calls only this origin; no inline script or style is allowed.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Assembly Assembly = typeof(MonitorApi).Assembly;
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Maps <c>GET /monitor</c> (the page) and <c>GET /monitor/{*path}</c> (its scripts and styles).</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapTransfersMonitor(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/monitor", (HttpContext context) => Serve(context, "index.html")).WithTags("Monitor").ExcludeFromDescription();
        app.MapGet("/monitor/{*path}", (string? path, HttpContext context) => Serve(context, string.IsNullOrEmpty(path) ? "index.html" : path))
            .WithTags("Monitor").ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext context, string path)
    {
        // Resource names are a fixed set: anything else (dot segments, other folders) is simply not found.
        var stream = Assembly.GetManifestResourceStream(ResourcePrefix + path);
        if (stream is null || !ContentTypes.TryGetContentType(path, out var contentType))
        {
            stream?.Dispose();
            return TypedResults.NotFound();
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Stream(stream, contentType.StartsWith("text/", StringComparison.Ordinal) ? contentType + "; charset=utf-8" : contentType);
    }
}
