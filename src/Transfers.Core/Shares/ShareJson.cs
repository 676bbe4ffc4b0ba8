using System.Text.Encodings.Web;
using System.Text.Json;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Shares;

/// <summary>
/// The JSON of the Shares records kept in tables: the durable convention, but escaping only what JSON itself requires
/// (plus what the relaxed encoder still escapes: characters outside the Basic Multilingual Plane, unassigned and
/// private-use ones). The default encoder writes <c>&amp;</c>, <c>+</c>, <c>&lt;</c> and every non-ASCII character as
/// six characters, which made paths valid under the request rules too large to store. The text is stored, never
/// embedded in HTML, so the HTML-safe escaping buys nothing here; reading accepts either escaping, so records written
/// before read the same.
/// </summary>
internal static class ShareJson
{
    /// <summary>Gets the serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(DurableJson.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        options.MakeReadOnly();
        return options;
    }
}
