using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Transfers.Core.Application;

namespace Transfers.Api.Ownership;

/// <summary>
/// Results in the Ownership family's envelopes: errors as <c>{errors:[{code, message, field?}]}</c>, and the two bare
/// 401 bodies of the seed, which the auth filter sends before any handler runs; the service's results mapped to them;
/// and request bodies read with the family's limits into the same field errors.
/// </summary>
public static class OwnershipResults
{
    /// <summary>The 401 body when the request has no <c>Authorization</c> header.</summary>
    public const string UnauthorizedMessage = "Unauthorized";

    /// <summary>The 401 body when the bearer token is malformed, unknown, revoked or expired.</summary>
    public const string AuthenticationFailedMessage = "Bearer Authentication Failed";

    private static readonly FieldError EmptyBody = new("missing_required_field", "The request body must be a JSON object.");

    /// <summary>Gets the family's request body limits: 1 MiB, nested at most 32 deep.</summary>
    public static RequestBodyLimits BodyLimits { get; } = new((int)TransfersApiExtensions.MaxRequestBodyBytes, 32);

    /// <summary>Gets the JSON options of the family's responses: names as written, no nulls.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Gets the family's paths and error envelope for the errors that arise outside its handlers (unknown routes and
    /// methods under <c>/v1</c>, unhandled exceptions): <c>{errors:[{code, message}]}</c>, the code the status's reason
    /// phrase in snake case (<c>not_found</c>, <c>method_not_allowed</c>). <c>/v1/shares</c> stays the Shares family's.
    /// </summary>
    public static FamilyErrorEnvelope Family { get; } = new(
        [new PathString("/v1")],
        (status, message) => Errors(status, [new FieldError(ReasonPhrases.GetReasonPhrase(status).ToLowerInvariant().Replace(' ', '_'), message)]));

    /// <summary>A 401 with <c>{"message":"Unauthorized"}</c>.</summary>
    /// <returns>The result.</returns>
    public static IResult Unauthorized() => Message(UnauthorizedMessage);

    /// <summary>A 401 with <c>{"message":"Bearer Authentication Failed"}</c>.</summary>
    /// <returns>The result.</returns>
    public static IResult AuthenticationFailed() => Message(AuthenticationFailedMessage);

    /// <summary>A 400 with one error.</summary>
    /// <param name="code">The error code.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="field">The field at fault, if any.</param>
    /// <returns>The result.</returns>
    public static IResult BadRequest(string code, string message, string? field = null) =>
        Errors(StatusCodes.Status400BadRequest, [new FieldError(code, message, field)]);

    /// <summary>A 400 with several errors.</summary>
    /// <param name="errors">The errors; at least one.</param>
    /// <returns>The result.</returns>
    public static IResult BadRequest(IReadOnlyCollection<FieldError> errors) => Errors(StatusCodes.Status400BadRequest, errors);

    /// <summary>A 400 <c>invalid_query_params</c>.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="field">The query parameter at fault, if any.</param>
    /// <returns>The result.</returns>
    public static IResult InvalidQuery(string message, string? field = null) => BadRequest("invalid_query_params", message, field);

    /// <summary>A 404 <c>not_found</c>.</summary>
    /// <param name="message">What was not found.</param>
    /// <returns>The result.</returns>
    public static IResult NotFound(string message) =>
        Errors(StatusCodes.Status404NotFound, [new FieldError("not_found", message)]);

    /// <summary>A JSON body with a status.</summary>
    /// <param name="body">The body.</param>
    /// <param name="status">The status; 200 when omitted.</param>
    /// <returns>The result.</returns>
    public static IResult Json(JsonNode body, int status = StatusCodes.Status200OK) =>
        TypedResults.Json(body, JsonOptions, statusCode: status);

    /// <summary>
    /// Maps a result of the family's service: ok to <paramref name="ok"/>, not found to 404 <c>not_found</c>, invalid
    /// to 400 with its errors, conflict to 409 <c>conflict</c> (the code the family's envelope gives every status).
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
            ServiceOutcome.NotFound => NotFound(result.Message!),
            ServiceOutcome.Conflict => Errors(StatusCodes.Status409Conflict, [new FieldError("conflict", result.Message!)]),
            _ => BadRequest(result.Errors),
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

    /// <summary>Reads the body as one JSON object within <see cref="BodyLimits"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="allowEmpty">Whether an empty body reads as an empty object.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The object, or the error that explains why the body is not one.</returns>
    public static async Task<(JsonObject? Body, FieldError? Error)> ReadBodyAsync(HttpRequest request, bool allowEmpty = false, CancellationToken cancellationToken = default)
    {
        var (body, error) = await RequestJson.ReadObjectAsync(request, BodyLimits, BodyError, cancellationToken);
        return error switch
        {
            null => (JsonObject.Create(body), null),
            _ when allowEmpty && ReferenceEquals(error, EmptyBody) => (new JsonObject(), null),
            _ => (null, error),
        };
    }

    /// <summary>Reports the members of a body that are not among the allowed names.</summary>
    /// <param name="body">The body.</param>
    /// <param name="allowed">The allowed member names.</param>
    /// <returns>One error per unknown member.</returns>
    public static IEnumerable<FieldError> UnknownFields(JsonObject body, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(body);
        return body.Where(p => !allowed.Contains(p.Key, StringComparer.Ordinal))
            .Select(p => new FieldError("unknown_field", $"'{p.Key}' is not a field of this request.", p.Key));
    }

    /// <summary>Reads an optional string member.</summary>
    /// <param name="body">The body.</param>
    /// <param name="name">The member name.</param>
    /// <param name="value">The value; <c>null</c> when absent or JSON null.</param>
    /// <returns>An error when the member has another type.</returns>
    public static FieldError? TryGetString(JsonObject body, string name, out string? value)
    {
        ArgumentNullException.ThrowIfNull(body);
        value = null;
        if (body[name] is not { } node)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            return new FieldError("invalid_type", $"'{name}' must be a string.", name);
        }

        value = node.GetValue<string>();
        return null;
    }

    /// <summary>The family's error for a body that is not a JSON object: an empty one is a missing field, the rest invalid JSON.</summary>
    private static FieldError BodyError(RequestJsonBody body) => body.Error switch
    {
        RequestJsonError.Empty => EmptyBody,
        RequestJsonError.NotText => new FieldError("invalid_json", body.Detail!, body.Path),
        _ => new FieldError("invalid_json", RequestJson.Describe(body, BodyLimits)),
    };

    private static JsonHttpResult<ErrorEnvelope> Errors(int status, IReadOnlyCollection<FieldError> errors) =>
        TypedResults.Json(new ErrorEnvelope([.. errors.Select(e => new ErrorItem(e.Code, e.Message, e.Field))]), JsonOptions, statusCode: status);

    private static JsonHttpResult<AuthFailure> Message(string message) =>
        TypedResults.Json(new AuthFailure(message), JsonOptions, statusCode: StatusCodes.Status401Unauthorized);

    private sealed record ErrorEnvelope(IReadOnlyList<ErrorItem> Errors);

    private sealed record ErrorItem(string Code, string Message, string? Field);

    private sealed record AuthFailure(string Message);
}
