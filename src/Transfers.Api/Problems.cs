using System.Text.Json;

namespace Transfers.Api;

/// <summary>
/// <c>application/problem+json</c> results (RFC 9457) for the families that use them (admin, Shares), with an
/// optional field-level <c>errors</c> map.
/// </summary>
public static class Problems
{
    /// <summary>A 400 with a field-level error map.</summary>
    /// <param name="detail">What is wrong, in one sentence.</param>
    /// <param name="errors">Field name to messages; may be empty.</param>
    /// <returns>The result.</returns>
    public static IResult Validation(string detail, IDictionary<string, string[]>? errors = null) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors ?? new Dictionary<string, string[]>())
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Detail = detail,
        });

    /// <summary>A 401.</summary>
    /// <param name="detail">What credential is expected.</param>
    /// <returns>The result.</returns>
    public static IResult Unauthorized(string detail) => Status(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    /// <summary>A 404.</summary>
    /// <param name="detail">What was not found.</param>
    /// <returns>The result.</returns>
    public static IResult NotFound(string detail) => Status(StatusCodes.Status404NotFound, "Not found", detail);

    /// <summary>A 409.</summary>
    /// <param name="detail">What conflicts.</param>
    /// <returns>The result.</returns>
    public static IResult Conflict(string detail) => Status(StatusCodes.Status409Conflict, "Conflict", detail);

    /// <summary>Reads a request body as one JSON object of at most 1 MiB; a body that is not one answers a problem.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The root object, or the problem to answer (400, or 413 for a body too large).</returns>
    public static async Task<(JsonElement Body, IResult? Invalid)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await RequestJson.ReadObjectAsync(request, (int)TransfersApiExtensions.MaxRequestBodyBytes, maxDepth: 16, cancellationToken);
        return body.Error switch
        {
            RequestJsonError.None => (body.Root, null),
            RequestJsonError.TooLarge => (default, Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", "The body must be at most 1 MiB.")),
            RequestJsonError.NotAnObject => (default, BodyProblem("The body is not a JSON object.", "The body must be a JSON object.")),
            RequestJsonError.NotText => (default, BodyProblem("The body holds text that is not Unicode.", body.Detail!, body.Path!)),
            _ => (default, BodyProblem("The body is not a JSON object.", body.Detail ?? "The body is empty.")),
        };

        static IResult BodyProblem(string title, string message, string field = "$") =>
            Validation(title, new Dictionary<string, string[]> { [field] = [message] });
    }

    /// <summary>Any status with a title and detail.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="title">A short summary.</param>
    /// <param name="detail">The explanation.</param>
    /// <returns>The result.</returns>
    public static IResult Status(int status, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Title = title, Detail = detail });
}
