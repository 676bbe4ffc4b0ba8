using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Transfers.Api.Exports;

/// <summary>
/// Reads a JSON object body field by field so that every problem (malformed JSON, an unknown field, a wrong type)
/// becomes one clear message instead of a framework error. The first problem wins.
/// </summary>
public sealed partial class JsonBody
{
    /// <summary>The largest body the Exports routes read.</summary>
    public const int MaxBytes = 64 * 1024;

    private readonly JsonElement _root;

    private JsonBody(JsonElement root) => _root = root;

    /// <summary>Gets the first problem found, or <c>null</c>.</summary>
    public string? Error { get; private set; }

    /// <summary>Reads the request body as a JSON object with only the allowed fields.</summary>
    /// <param name="request">The request.</param>
    /// <param name="allowed">The field names allowed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body, or an error message.</returns>
    public static async Task<(JsonBody? Body, string? Error)> ReadAsync(HttpRequest request, IReadOnlyCollection<string> allowed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(allowed);
        var body = await RequestJson.ReadObjectAsync(request, MaxBytes, maxDepth: 16, cancellationToken);
        var error = body.Error switch
        {
            RequestJsonError.None => null,
            RequestJsonError.TooLarge => $"The request body is larger than {MaxBytes} bytes.",
            RequestJsonError.Malformed => $"The request body is not valid JSON: {body.Detail}",
            RequestJsonError.NotText => body.Detail,
            _ => "The request body must be a JSON object.",
        };
        if (error is not null)
        {
            return (null, error);
        }

        foreach (var property in body.Root.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                return (null, $"Unknown field '{property.Name}'.");
            }
        }

        return (new JsonBody(body.Root), null);
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
