using System.Text.Json;
using System.Text.Unicode;

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

    /// <summary>The body is not valid JSON, is nested deeper than allowed, or names a member of one object twice.</summary>
    Malformed,

    /// <summary>The body is valid JSON but not an object.</summary>
    NotAnObject,

    /// <summary>
    /// A string or member name is not Unicode text: an escaped lone surrogate (<c>"\ud800"</c>) or bytes that are not
    /// UTF-8. The parser accepts both; reading such a value later would throw.
    /// </summary>
    NotText,
}

/// <summary>A request body read as JSON: its root object, or why it is not one.</summary>
/// <param name="Root">The root object; <c>default</c> unless <paramref name="Error"/> is <see cref="RequestJsonError.None"/>.</param>
/// <param name="Error">Why the body is not a JSON object.</param>
/// <param name="Detail">
/// The parser's message for <see cref="RequestJsonError.Malformed"/>, the rule broken for <see cref="RequestJsonError.NotText"/>,
/// else <c>null</c>.
/// </param>
/// <param name="Path">
/// For <see cref="RequestJsonError.NotText"/>, where: <c>$</c> for the root object, else its members' names and array
/// indexes (<c>transferEntity.pathNames[0]</c>); for a member name, the object that holds it. Else <c>null</c>.
/// </param>
public readonly record struct RequestJsonBody(JsonElement Root, RequestJsonError Error, string? Detail = null, string? Path = null);

/// <summary>The largest request body and the deepest nesting one family's routes accept.</summary>
/// <param name="MaxBytes">The largest body, in bytes; the read stops as soon as the body passes it.</param>
/// <param name="MaxDepth">The deepest nesting of objects and arrays.</param>
public sealed record RequestBodyLimits(int MaxBytes, int MaxDepth);

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
            // Text first: the parser compares member names to refuse duplicates, and throws on one that is not text.
            if (FindNonText(bytes.Span, maxDepth) is { } problem)
            {
                return new RequestJsonBody(default, RequestJsonError.NotText, problem.Detail, problem.Path);
            }

            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = maxDepth, AllowDuplicateProperties = false });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new RequestJsonBody(document.RootElement.Clone(), RequestJsonError.None)
                : new RequestJsonBody(default, RequestJsonError.NotAnObject);
        }
        catch (JsonException e)
        {
            return new RequestJsonBody(default, RequestJsonError.Malformed, e.Message);
        }
    }

    /// <summary>
    /// Reads the body as one JSON object within a family's limits, and a body that is not one as the family's error:
    /// each family states its limits and how it words the failure (a field error, a problem, a message), and nothing
    /// else.
    /// </summary>
    /// <typeparam name="TError">The family's error type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="limits">The family's limits.</param>
    /// <param name="error">Turns a body that is not a JSON object into the family's error; see <see cref="Describe"/> for the common wording.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The root object, or the family's error.</returns>
    public static async Task<(JsonElement Body, TError? Error)> ReadObjectAsync<TError>(
        HttpRequest request, RequestBodyLimits limits, Func<RequestJsonBody, TError> error, CancellationToken cancellationToken = default)
        where TError : class
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(error);
        var body = await ReadObjectAsync(request, limits.MaxBytes, limits.MaxDepth, cancellationToken);
        return body.Error == RequestJsonError.None ? (body.Root, null) : (default, error(body));
    }

    /// <summary>
    /// Says why a body is not a JSON object in the words of the families that answer with a message: its size over the
    /// limit, the parser's message, the text rule broken, or that it must be an object.
    /// </summary>
    /// <param name="body">The body as read.</param>
    /// <param name="limits">The limits it was read with.</param>
    /// <returns>The message.</returns>
    public static string Describe(RequestJsonBody body, RequestBodyLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return body.Error switch
        {
            RequestJsonError.TooLarge => $"The request body is larger than {limits.MaxBytes} bytes.",
            RequestJsonError.Malformed => $"The request body is not valid JSON: {body.Detail}",
            RequestJsonError.NotText => body.Detail!,
            _ => "The request body must be a JSON object.",
        };
    }

    /// <summary>Finds the first string or member name that is not Unicode text, with where it is.</summary>
    /// <exception cref="JsonException">The body is not valid JSON.</exception>
    private static (string Path, string Detail)? FindNonText(ReadOnlySpan<byte> json, int maxDepth)
    {
        const string Rule = "must be Unicode text; it holds a lone surrogate (an escape such as \\ud800 without its pair) or bytes that are not UTF-8.";
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        var containers = new Stack<Container>();
        string? member = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    if (!IsText(ref reader))
                    {
                        return (containers.Peek().Path, $"A member name of '{containers.Peek().Path}' {Rule}");
                    }

                    member = reader.GetString();
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    containers.Pop();
                    break;
                default:
                    var path = containers.Count == 0 ? "$" : containers.Peek().ChildPath(member);
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        containers.Push(new Container(path, reader.TokenType == JsonTokenType.StartArray));
                    }
                    else if (reader.TokenType == JsonTokenType.String && !IsText(ref reader))
                    {
                        return (path, $"'{path}' {Rule}");
                    }

                    break;
            }
        }

        return null;
    }

    private static bool IsText(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.ValueSpan);
        }

        try
        {
            reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>An object or array being read, and for an array how many elements it has had.</summary>
    private sealed class Container(string path, bool isArray)
    {
        private int _elements;

        public string Path { get; } = path;

        /// <summary>The path of the next value in this container: the member just named, or the next array element.</summary>
        public string ChildPath(string? member) => isArray
            ? $"{Path}[{_elements++}]"
            : Path == "$" ? member! : $"{Path}.{member}";
    }
}
