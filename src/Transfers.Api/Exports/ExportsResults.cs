using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Transfers.Core.Application;

namespace Transfers.Api.Exports;

/// <summary>
/// The Exports family's envelopes, <c>{status:"success", data, message}</c> and <c>{status:"error", message, data:null}</c>;
/// the service's results mapped to them; and the family's request body limits.
/// </summary>
public static class ExportsResults
{
    /// <summary>Gets the family's request body limits: 64 KiB, nested at most 16 deep.</summary>
    public static RequestBodyLimits BodyLimits { get; } = new(64 * 1024, 16);

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

    /// <summary>
    /// Maps a result of the family's service: ok to <paramref name="ok"/>, not found to 404, conflict to 409 and
    /// invalid to 400, each with the service's message (the envelope holds one: the first error's).
    /// </summary>
    /// <param name="result">The service's result.</param>
    /// <param name="ok">The answer when the use case did what was asked.</param>
    /// <returns>The result.</returns>
    public static IResult From(ServiceResult result, Func<IResult> ok)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(ok);
        return result.IsOk ? ok() : Failure(result);
    }

    /// <summary>Maps a failure of the family's service: not found to 404, conflict to 409, invalid to 400.</summary>
    /// <param name="result">The service's result; not ok.</param>
    /// <returns>The result.</returns>
    public static IResult Failure(ServiceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Outcome switch
        {
            ServiceOutcome.NotFound => NotFound(result.Message!),
            ServiceOutcome.Conflict => Error(StatusCodes.Status409Conflict, result.Message!),
            ServiceOutcome.Invalid => BadRequest(result.Errors[0].Message),
            _ => throw new ArgumentException("An ok result is no failure.", nameof(result)),
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

    /// <summary>The envelope of every Exports response.</summary>
    /// <param name="Status"><c>success</c> or <c>error</c>.</param>
    /// <param name="Data">The data; <c>null</c> for errors.</param>
    /// <param name="Message">A short message.</param>
    private sealed record Envelope(string Status, object? Data, string Message);
}

/// <summary>
/// Reads a JSON object body field by field so that every problem (malformed JSON, an unknown field, a wrong type)
/// becomes one clear message instead of a framework error. The first problem wins.
/// </summary>
public sealed partial class ExportsBody
{
    private readonly JsonElement _root;

    private ExportsBody(JsonElement root) => _root = root;

    /// <summary>Gets the first problem found, or <c>null</c>.</summary>
    public string? Error { get; private set; }

    /// <summary>Reads the request body as a JSON object within <see cref="ExportsResults.BodyLimits"/>, with only the allowed fields.</summary>
    /// <param name="request">The request.</param>
    /// <param name="allowed">The field names allowed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body, or an error message.</returns>
    public static async Task<(ExportsBody? Body, string? Error)> ReadAsync(HttpRequest request, IReadOnlyCollection<string> allowed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var limits = ExportsResults.BodyLimits;
        var (root, error) = await RequestJson.ReadObjectAsync(request, limits, body => RequestJson.Describe(body, limits), cancellationToken);
        if (error is not null)
        {
            return (null, error);
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                return (null, $"Unknown field '{property.Name}'.");
            }
        }

        return (new ExportsBody(root), null);
    }

    /// <summary>Whether the body has a field (even <c>null</c>).</summary>
    /// <param name="name">The field name.</param>
    /// <returns><c>true</c> when present.</returns>
    public bool Has(string name) => _root.TryGetProperty(name, out _);

    /// <summary>Reads a string field.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="required">Whether it must be present.</param>
    /// <returns>The value, or <c>null</c> when absent (or JSON null).</returns>
    public string? String(string name, bool required = false)
    {
        if (!Find(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return Fail<string>($"Field '{name}' must be a string.");
        }

        return value.GetString();
    }

    /// <summary>Reads a boolean field.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The value, or <c>null</c> when absent.</returns>
    public bool? Boolean(string name)
    {
        if (!Find(name, required: false, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => Fail<bool?>($"Field '{name}' must be a boolean."),
        };
    }

    /// <summary>Reads an array of strings.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="required">Whether it must be present.</param>
    /// <returns>The values, or <c>null</c> when absent (or JSON null).</returns>
    public List<string>? StringArray(string name, bool required = false)
    {
        if (!Find(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            return Fail<List<string>>($"Field '{name}' must be an array of strings.");
        }

        return [.. value.EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>Reads an object whose values are all strings.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The map, or <c>null</c> when absent.</returns>
    public Dictionary<string, string>? StringMap(string name)
    {
        if (!Find(name, required: false, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object || value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            return Fail<Dictionary<string, string>>($"Field '{name}' must be an object of string values.");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = property.Value.GetString()!;
        }

        return map;
    }

    /// <summary>Reads an RFC 3339 timestamp.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The value, or <c>null</c> when absent.</returns>
    public DateTimeOffset? Timestamp(string name)
    {
        var text = String(name);
        if (text is null)
        {
            return null;
        }

        if (TryParseRfc3339(text, out var value))
        {
            return value;
        }

        return Fail<DateTimeOffset?>($"Field '{name}' must be an RFC 3339 timestamp such as 2024-01-31T12:00:00Z.");
    }

    /// <summary>Parses an RFC 3339 date-time (with a time zone offset or Z).</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The value.</param>
    /// <returns><c>true</c> when valid.</returns>
    public static bool TryParseRfc3339(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null && Rfc3339Pattern().IsMatch(text) &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private bool Find(string name, bool required, out JsonElement value)
    {
        value = default;
        if (Error is not null)
        {
            return false;
        }

        if (!_root.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Error = $"Field '{name}' is required.";
            }

            return false;
        }

        return true;
    }

    private T? Fail<T>(string message)
    {
        Error ??= message;
        return default;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339Pattern();
}
