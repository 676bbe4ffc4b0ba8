using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Transfers.Core.Ownership;

namespace Transfers.Api.Ownership;

/// <summary>
/// Results in the Ownership family's envelopes: errors as <c>{errors:[{code, message, field?}]}</c>, and the two bare
/// 401 bodies of the seed, which the auth filter sends before any handler runs.
/// </summary>
public static class OwnershipResults
{
    /// <summary>The 401 body when the request has no <c>Authorization</c> header.</summary>
    public const string UnauthorizedMessage = "Unauthorized";

    /// <summary>The 401 body when the bearer token is malformed, unknown, revoked or expired.</summary>
    public const string AuthenticationFailedMessage = "Bearer Authentication Failed";

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

    private static JsonHttpResult<ErrorEnvelope> Errors(int status, IReadOnlyCollection<FieldError> errors) =>
        TypedResults.Json(new ErrorEnvelope([.. errors.Select(e => new ErrorItem(e.Code, e.Message, e.Field))]), JsonOptions, statusCode: status);

    private static JsonHttpResult<AuthFailure> Message(string message) =>
        TypedResults.Json(new AuthFailure(message), JsonOptions, statusCode: StatusCodes.Status401Unauthorized);

    private sealed record ErrorEnvelope(IReadOnlyList<ErrorItem> Errors);

    private sealed record ErrorItem(string Code, string Message, string? Field);

    private sealed record AuthFailure(string Message);
}
