using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Transfers.Api;

/// <summary>
/// How one API family answers the errors that arise outside its handlers: an unhandled exception, a path none of its
/// routes matches, a method its routes do not serve. Paths of no registered family keep the host's default
/// (<c>application/problem+json</c> from <c>UseExceptionHandler</c> and <c>UseStatusCodePages</c>). A path under the
/// prefixes of two families (<c>/v1</c> and <c>/v1/shares</c>) belongs to the one with the longer prefix.
/// </summary>
/// <param name="PathPrefixes">The path prefixes the family owns, such as <c>/models</c>.</param>
/// <param name="Error">Builds the family's error result from an HTTP status and a message.</param>
public sealed record FamilyErrorEnvelope(IReadOnlyList<PathString> PathPrefixes, Func<int, string, IResult> Error)
{
    /// <summary>Whether a request path belongs to the family.</summary>
    /// <param name="path">The request path.</param>
    /// <returns><c>true</c> when it starts with one of the family's prefixes.</returns>
    public bool Owns(PathString path) => Match(path) > 0;

    /// <summary>The length of the longest of the family's prefixes the path starts with; 0 when none.</summary>
    /// <param name="path">The request path.</param>
    /// <returns>The prefix length.</returns>
    internal int Match(PathString path) =>
        PathPrefixes.Where(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)).Select(p => p.Value!.Length).DefaultIfEmpty(0).Max();
}

/// <summary>
/// The one place where families plug their error envelope into the host's error handling: the hosts call
/// <c>UseExceptionHandler()</c> and <c>UseStatusCodePages()</c>, which consult what is registered here first.
/// </summary>
public static partial class FamilyErrorEnvelopes
{
    /// <summary>The message of a 500: the exception stays in the host's log, never in a response.</summary>
    public const string InternalErrorMessage = "An internal error occurred; try again later.";

    /// <summary>Registers a family's error envelope.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="envelope">The family's paths and error result.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddFamilyErrorEnvelope(this IServiceCollection services, FamilyErrorEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(envelope);
        services.AddSingleton(envelope);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExceptionHandler, FamilyExceptionHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<StatusCodePagesOptions>, FamilyStatusCodePages>());
        return services;
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled exception in {Method} {Path}.")]
    private static partial void UnhandledException(ILogger logger, string method, string path, Exception exception);

    /// <summary>
    /// The family a request belongs to, by its path, else by the path as the client sent it: the server resolves dot
    /// segments before routing (<c>/models/%2e%2e</c> is routed as <c>/</c>), yet the client asked one of the family's
    /// routes.
    /// </summary>
    private static FamilyErrorEnvelope? FamilyOf(IEnumerable<FamilyErrorEnvelope> families, HttpContext context) =>
        Owner(families, context.Request.Path) ?? (RawPath(context) is { } raw ? Owner(families, raw) : null);

    private static FamilyErrorEnvelope? Owner(IEnumerable<FamilyErrorEnvelope> families, PathString path) =>
        families.Select(f => (Family: f, Length: f.Match(path))).Where(m => m.Length > 0).OrderByDescending(m => m.Length).FirstOrDefault().Family;

    /// <summary>The request target's path as sent, when it is in origin form (<c>/…</c>).</summary>
    private static PathString? RawPath(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget is ['/', ..] raw ? new PathString(raw.Split('?', 2)[0]) : (PathString?)null;

    /// <summary>The message of a status the server set before any handler ran.</summary>
    private static string Message(HttpContext context, int status) => status switch
    {
        StatusCodes.Status404NotFound => $"No route matches {context.Request.Method} {RawPath(context) ?? context.Request.Path}.",
        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {RawPath(context) ?? context.Request.Path}.",
        StatusCodes.Status413PayloadTooLarge => $"The request body must be at most {TransfersApiExtensions.MaxRequestBodyBytes / (1024 * 1024)} MiB.",
        StatusCodes.Status400BadRequest => "The request could not be read.",
        _ => ReasonPhrases.GetReasonPhrase(status),
    };

    /// <summary>Answers an unhandled exception on a family's path in the family's envelope.</summary>
    /// <param name="families">The registered families.</param>
    /// <param name="logger">The logger.</param>
    private sealed class FamilyExceptionHandler(IEnumerable<FamilyErrorEnvelope> families, ILogger<FamilyExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            var family = FamilyOf(families, httpContext);

            // A body the server refused to read (too large, cut off) is the client's problem, not the service's, on any
            // path: the management API's and the admin routes' too.
            if (exception is BadHttpRequestException bad)
            {
                var message = Message(httpContext, bad.StatusCode);
                await (family?.Error(bad.StatusCode, message) ?? Problems.Status(bad.StatusCode, ReasonPhrases.GetReasonPhrase(bad.StatusCode), message)).ExecuteAsync(httpContext);
                return true;
            }

            if (family is null)
            {
                return false;
            }

            // The middleware does not log exceptions a handler took care of.
            UnhandledException(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
            await family.Error(StatusCodes.Status500InternalServerError, InternalErrorMessage).ExecuteAsync(httpContext);
            return true;
        }
    }

    /// <summary>Answers a bodiless error status (an unknown path, a method not served) on a family's path in its envelope.</summary>
    /// <param name="families">The registered families.</param>
    private sealed class FamilyStatusCodePages(IEnumerable<FamilyErrorEnvelope> families) : IConfigureOptions<StatusCodePagesOptions>
    {
        public void Configure(StatusCodePagesOptions options)
        {
            var fallback = options.HandleAsync;
            options.HandleAsync = async context =>
            {
                var http = context.HttpContext;
                var family = FamilyOf(families, http);
                if (family is null)
                {
                    await fallback(context);
                    return;
                }

                var status = http.Response.StatusCode;
                await family.Error(status, Message(http, status)).ExecuteAsync(http);
            };
        }
    }
}
