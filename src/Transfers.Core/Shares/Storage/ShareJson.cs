using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Azure.Data.Tables;
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
/// <remarks>
/// Records are stored as their UTF-8 JSON split over binary properties <c>Data0</c>, <c>Data1</c>, …. Binary, because
/// the Tables SDK sends <c>&amp;</c>, <c>+</c> and every non-ASCII character of a string property as a six-byte escape
/// and Azure counts a string's characters twice against the 1 MiB entity limit, while a binary property counts as
/// the bytes it holds (Azurite counts the base64 sent, a third more).
/// </remarks>
internal static class ShareJson
{
    /// <summary>The largest part: a binary property holds at most 64 KiB.</summary>
    private const int MaxPartBytes = 64_000;

    private static readonly JsonSerializerOptions s_options = CreateOptions();

    /// <summary>Serializes a record to UTF-8 JSON.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="value">The record.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, s_options);

    /// <summary>Stores UTF-8 JSON in an entity's <c>Data</c> parts.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="json">The JSON from <see cref="Serialize{T}"/>.</param>
    public static void SetParts(TableEntity entity, byte[] json)
    {
        for (int i = 0, part = 0; i < json.Length; i += MaxPartBytes, part++)
        {
            entity[$"Data{part}"] = json.AsSpan(i, Math.Min(MaxPartBytes, json.Length - i)).ToArray();
        }
    }

    /// <summary>
    /// Reads a record stored with <see cref="SetParts"/>, or one an earlier layout stored as durable JSON text split
    /// over string properties <c>{legacyPrefix}0</c>, <c>{legacyPrefix}1</c>, ….
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="entity">The entity.</param>
    /// <param name="legacyPrefix">The name of the earlier layout's text properties before the part number.</param>
    /// <returns>The record.</returns>
    public static T? ReadParts<T>(TableEntity entity, string legacyPrefix)
    {
        if (!entity.ContainsKey("Data0"))
        {
            return DurableJson.Deserialize<T>(
                string.Concat(Enumerable.Range(0, 64).Select(i => entity.GetString($"{legacyPrefix}{i}")).TakeWhile(s => s is not null)));
        }

        var json = new ArrayBufferWriter<byte>();
        for (var part = 0; entity.GetBinary($"Data{part}") is { } bytes; part++)
        {
            json.Write(bytes);
        }

        return JsonSerializer.Deserialize<T>(json.WrittenSpan, s_options);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(DurableJson.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        options.MakeReadOnly();
        return options;
    }
}
