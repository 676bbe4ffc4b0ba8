using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Transfers.Core.Application;
using Transfers.Core.DurableTask;
using Transfers.Core.Shares;

namespace Transfers.Api.Shares;

/// <summary>
/// Results in the Shares family's envelope: errors as <c>application/problem+json</c> (the reason phrase as title, a
/// field-level <c>errors</c> map for a 400), bodies as JSON in the durable convention; the service's results mapped to
/// them.
/// </summary>
public static class SharesResults
{
    /// <summary>
    /// Gets the family's paths and error envelope (<c>application/problem+json</c>, the reason phrase as title) for the
    /// errors that arise outside its handlers: <c>/v1/shares</c> lies under Ownership's <c>/v1</c>.
    /// </summary>
    public static FamilyErrorEnvelope Family { get; } = new(
        [new PathString("/v1/shares")],
        (status, message) => Problems.Status(status, ReasonPhrases.GetReasonPhrase(status), message));

    /// <summary>Reads the body as one JSON object (at most 1 MiB); a body that is not one answers the family's problem.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The root object, or the problem to answer (400, or 413 for a body too large).</returns>
    public static Task<(JsonElement Body, IResult? Invalid)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken = default) =>
        Problems.ReadBodyAsync(request, cancellationToken);

    /// <summary>A 400 for a malformed query, with its errors by parameter.</summary>
    /// <param name="errors">The errors by parameter name; at least one.</param>
    /// <returns>The result.</returns>
    public static IResult InvalidQuery(IDictionary<string, string[]> errors) => Problems.Validation("The query is invalid.", errors);

    /// <summary>
    /// Maps a result of the family's service: ok to <paramref name="ok"/>, not found to 404, conflict to 409, invalid to
    /// 400 with what was refused (its code) as the detail and the errors by field.
    /// </summary>
    /// <param name="result">The service's result.</param>
    /// <param name="ok">The answer when the use case did what was asked.</param>
    /// <returns>The result.</returns>
    public static IResult From(ServiceResult result, Func<IResult> ok)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(ok);
        return result.Outcome switch
        {
            ServiceOutcome.Ok => ok(),
            ServiceOutcome.NotFound => Problems.NotFound(result.Message!),
            ServiceOutcome.Conflict => Problems.Conflict(result.Message!),
            _ => Problems.Validation(
                Detail(result.Errors[0].Code),
                result.Errors.GroupBy(e => e.Field ?? "$").ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray())),
        };
    }

    /// <summary>Maps a result of the family's service that carries a value; see <see cref="From(ServiceResult, Func{IResult})"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="result">The service's result.</param>
    /// <param name="ok">The answer for the value.</param>
    /// <returns>The result.</returns>
    public static IResult From<T>(ServiceResult<T> result, Func<T, IResult> ok)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(ok);
        return From(result.Status, () => ok(result.Value!));
    }

    /// <summary>Maps a failure of the family's service (a step that stops a handler before its last call).</summary>
    /// <param name="failure">The failure: not found, conflict or invalid.</param>
    /// <returns>The result.</returns>
    public static IResult Failure(ServiceResult failure) =>
        From(failure, () => throw new InvalidOperationException("Only a failure is mapped without its answer."));

    /// <summary>JSON in the durable convention (camelCase, nulls left out), with a status and an optional <c>Location</c>.</summary>
    /// <param name="value">The body.</param>
    /// <param name="status">The status; 200 when omitted.</param>
    /// <param name="location">The <c>Location</c> header, if any.</param>
    /// <returns>The result.</returns>
    public static IResult Json(object value, int status = StatusCodes.Status200OK, string? location = null) => new JsonWithLocation(value, status, location);

    /// <summary>The <c>detail</c> of an invalid result: what its code says was refused.</summary>
    private static string Detail(string code) => code switch
    {
        ShareInvalid.Share => "The share is invalid.",
        ShareInvalid.Destination => "The destination is invalid.",
        ShareInvalid.DestinationTables => "The destination cannot take the tables of the share's created transfers.",
        ShareInvalid.Start => "The transfer cannot start.",
        _ => "The transfer is invalid.",
    };

    /// <summary>JSON in the durable convention (camelCase, nulls left out), with a status and an optional Location.</summary>
    private sealed class JsonWithLocation(object value, int status, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (location is not null)
            {
                httpContext.Response.Headers.Location = location;
            }

            await httpContext.Response.WriteAsJsonAsync(value, value.GetType(), DurableJson.Options, contentType: "application/json", httpContext.RequestAborted);
        }
    }
}
