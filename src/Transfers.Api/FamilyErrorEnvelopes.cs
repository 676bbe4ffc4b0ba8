using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Transfers.Api;

/// <summary>
/// How one API family answers the errors that arise outside its handlers: an unhandled exception, a path none of its
/// routes matches, a method its routes do not serve. Paths of no registered family keep the host's default
/// (<c>application/problem+json</c> from <c>UseExceptionHandler</c> and <c>UseStatusCodePages</c>).
/// </summary>
/// <param name="PathPrefixes">The path prefixes the family owns, such as <c>/models</c>.</param>
/// <param name="Error">Builds the family's error result from an HTTP status and a message.</param>
public sealed record FamilyErrorEnvelope(IReadOnlyList<PathString> PathPrefixes, Func<int, string, IResult> Error)
{
    /// <summary>Whether a request path belongs to the family.</summary>
    /// <param name="path">The request path.</param>
    /// <returns><c>true</c> when it starts with one of the family's prefixes.</returns>
    public bool Owns(PathString path) => PathPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
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

    /// <summary>Answers an unhandled exception on a family's path in the family's envelope.</summary>
    /// <param name="families">The registered families.</param>
    /// <param name="logger">The logger.</param>
    private sealed class FamilyExceptionHandler(IEnumerable<FamilyErrorEnvelope> families, ILogger<FamilyExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            var family = families.FirstOrDefault(f => f.Owns(httpContext.Request.Path));
            if (family is null)
            {
                return false;
            }

            // A body the server refused to read (too large, cut off) is the client's problem, not the service's.
            if (exception is BadHttpRequestException bad)
            {
                await family.Error(bad.StatusCode, "The request could not be read.").ExecuteAsync(httpContext);
                return true;
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
                var family = families.FirstOrDefault(f => f.Owns(http.Request.Path));
                if (family is null)
                {
                    await fallback(context);
                    return;
                }

                var status = http.Response.StatusCode;
                var message = status switch
                {
                    StatusCodes.Status404NotFound => $"No route matches {http.Request.Method} {http.Request.Path}.",
                    StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
                    _ => ReasonPhrases.GetReasonPhrase(status),
                };
                await family.Error(status, message).ExecuteAsync(http);
            };
        }
    }
}
