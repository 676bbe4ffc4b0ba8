using System.Text.Json;
using System.Text.Json.Nodes;
using Transfers.Core.Ownership;

namespace Transfers.Api.Ownership;

/// <summary>Reads request bodies by hand so that every malformed body gets a clear error, never a framework 400 or 500.</summary>
public static class OwnershipJson
{
    private const int MaxDepth = 32;

    /// <summary>Reads the body as one JSON object.</summary>
    /// <param name="request">The request.</param>
    /// <param name="allowEmpty">Whether an empty body reads as an empty object.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The object, or the error that explains why the body is not one.</returns>
    public static async Task<(JsonObject? Body, FieldError? Error)> ReadObjectAsync(HttpRequest request, bool allowEmpty = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await RequestJson.ReadObjectAsync(request, (int)TransfersApiExtensions.MaxRequestBodyBytes, MaxDepth, cancellationToken);
        return body.Error switch
        {
            RequestJsonError.None => (JsonObject.Create(body.Root), null),
            RequestJsonError.Empty when allowEmpty => (new JsonObject(), null),
            RequestJsonError.Empty => (null, new FieldError("missing_required_field", "The request body must be a JSON object.")),
            RequestJsonError.TooLarge => (null, new FieldError("invalid_json", $"The request body is larger than {TransfersApiExtensions.MaxRequestBodyBytes} bytes.")),
            RequestJsonError.Malformed => (null, new FieldError("invalid_json", $"The request body is not valid JSON: {body.Detail}")),
            RequestJsonError.NotText => (null, new FieldError("invalid_json", body.Detail!, body.Path)),
            _ => (null, new FieldError("invalid_json", "The request body must be a JSON object.")),
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
}
