using System.Text.Json;

namespace Transfers.Api;

/// <summary>Why a request body is not a JSON object.</summary>
public enum RequestJsonError
{
    /// <summary>The body is a JSON object.</summary>
    None,

    /// <summary>The body is larger than the route accepts.</summary>
    TooLarge,

    /// <summary>The body is empty or only white space.</summary>
    Empty,

    /// <summary>The body is not valid JSON, or nested deeper than allowed.</summary>
    Malformed,

    /// <summary>The body is valid JSON but not an object.</summary>
    NotAnObject,
}

/// <summary>A request body read as JSON: its root object, or why it is not one.</summary>
/// <param name="Root">The root object; <c>default</c> unless <paramref name="Error"/> is <see cref="RequestJsonError.None"/>.</param>
/// <param name="Error">Why the body is not a JSON object.</param>
/// <param name="Detail">The parser's message for <see cref="RequestJsonError.Malformed"/>, else <c>null</c>.</param>
public readonly record struct RequestJsonBody(JsonElement Root, RequestJsonError Error, string? Detail = null);

/// <summary>
/// Reads request bodies as JSON objects for every family, bounded in size and depth, so that a malformed body becomes
/// an error value the family turns into its own envelope, never a framework 400 or 500.
/// </summary>
public static class RequestJson
{
    /// <summary>Reads the body as one JSON object of at most <paramref name="maxBytes"/> bytes.</summary>
    /// <param name="request">The request.</param>
    /// <param name="maxBytes">The largest body accepted; the read stops as soon as the body passes it.</param>
    /// <param name="maxDepth">The deepest nesting accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The root object, or the error.</returns>
    public static async Task<RequestJsonBody> ReadObjectAsync(HttpRequest request, int maxBytes, int maxDepth, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        if (request.ContentLength > maxBytes)
        {
            return new RequestJsonBody(default, RequestJsonError.TooLarge);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return new RequestJsonBody(default, RequestJsonError.TooLarge);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own body limit ended the read first.
            return new RequestJsonBody(default, RequestJsonError.TooLarge);
        }

        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new RequestJsonBody(default, RequestJsonError.Empty);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = maxDepth });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new RequestJsonBody(document.RootElement.Clone(), RequestJsonError.None)
                : new RequestJsonBody(default, RequestJsonError.NotAnObject);
        }
        catch (JsonException e)
        {
            return new RequestJsonBody(default, RequestJsonError.Malformed, e.Message);
        }
    }
}
