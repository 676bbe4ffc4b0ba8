using System.Text.Json;

namespace Transfers.Api.Exports;

/// <summary>The Exports family's envelopes: <c>{status:"success", data, message}</c> and <c>{status:"error", message, data:null}</c>.</summary>
public static class ExportsResults
{
    /// <summary>Gets the JSON convention of the family: snake_case names, nulls written.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>
    /// Gets the family's paths and error envelope, for the errors that arise outside its handlers (unhandled
    /// exceptions, unknown paths, methods not served).
    /// </summary>
    public static FamilyErrorEnvelope Family { get; } = new([new PathString("/models"), new PathString("/destinations"), new PathString("/transfers")], Error);

    /// <summary>A success envelope.</summary>
    /// <param name="data">The data.</param>
    /// <param name="message">A short message.</param>
    /// <param name="statusCode">The HTTP status; 200 when omitted.</param>
    /// <returns>The result.</returns>
    public static IResult Success(object? data, string message, int statusCode = StatusCodes.Status200OK) =>
        TypedResults.Json(new Envelope("success", data, message), Json, statusCode: statusCode);

    /// <summary>An error envelope.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="message">What is wrong.</param>
    /// <returns>The result.</returns>
    public static IResult Error(int statusCode, string message) =>
        TypedResults.Json(new Envelope("error", null, message), Json, statusCode: statusCode);

    /// <summary>A 400 error envelope.</summary>
    /// <param name="message">What is wrong.</param>
    /// <returns>The result.</returns>
    public static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, message);

    /// <summary>A 404 error envelope.</summary>
    /// <param name="message">What was not found.</param>
    /// <returns>The result.</returns>
    public static IResult NotFound(string message) => Error(StatusCodes.Status404NotFound, message);

    /// <summary>The envelope of every Exports response.</summary>
    /// <param name="Status"><c>success</c> or <c>error</c>.</param>
    /// <param name="Data">The data; <c>null</c> for errors.</param>
    /// <param name="Message">A short message.</param>
    private sealed record Envelope(string Status, object? Data, string Message);
}
