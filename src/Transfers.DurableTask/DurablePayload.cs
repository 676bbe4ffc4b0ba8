using System.Text.Json;
using Transfers.Core.DurableTask;

namespace Transfers.DurableTask;

/// <summary>
/// How values cross the Durable Functions boundary: every input, output, event payload and custom status that the
/// adapters hand to Durable Functions is the <see cref="DurableJson"/> text of the value, passed as a .NET
/// <see cref="string"/>. Durable Functions' own serializer then only ever sees strings, so the camelCase and
/// enum-as-string conventions of <see cref="DurableJson"/> hold on Azure exactly as on the embedded engine, and the
/// static function signatures can all be <c>string</c> in, <c>string</c> out.
/// </summary>
/// <remarks>
/// Seen from Durable Functions' HTTP API or the portal, such a value is a JSON string that contains JSON.
/// <see cref="Normalize"/> undoes that wrapping for the client port, and also accepts plain JSON written by other
/// tools (for example an event raised through <c>/runtime/webhooks/durabletask</c>).
/// </remarks>
public static class DurablePayload
{
    /// <summary>Turns a value into the string handed to Durable Functions.</summary>
    /// <param name="value">The value; <c>null</c> stays <c>null</c>.</param>
    /// <returns>The <see cref="DurableJson"/> text of the value.</returns>
    public static string? Write(object? value) => DurableJson.Serialize(value);

    /// <summary>Reads a value written by <see cref="Write"/>.</summary>
    /// <param name="json">The string Durable Functions handed back.</param>
    /// <param name="type">The target type.</param>
    /// <returns>The value, or <c>null</c> for no text.</returns>
    public static object? Read(string? json, Type type) => DurableJson.Deserialize(json, type);

    /// <summary>Reads a value written by <see cref="Write"/>.</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="json">The string Durable Functions handed back.</param>
    /// <returns>The value, or <c>default</c> for no text.</returns>
    public static T? Read<T>(string? json) => DurableJson.Deserialize<T>(json);

    /// <summary>
    /// Reads a payload that may have been written by <see cref="Write"/> (a JSON string holding JSON) or by another
    /// tool (plain JSON); used for external events, which anyone may raise.
    /// </summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="payload">The payload as Durable Functions deserialized it.</param>
    /// <returns>The value.</returns>
    public static T? ReadEvent<T>(JsonElement payload) =>
        payload.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => default,
            JsonValueKind.String => DurableJson.Deserialize<T>(Normalize(payload.GetRawText())),
            _ => DurableJson.Deserialize<T>(payload.GetRawText()),
        };

    /// <summary>
    /// Turns a serialized value as Durable Functions stores it (for example <c>OrchestrationMetadata.SerializedOutput</c>)
    /// into the <see cref="DurableJson"/> text the port's metadata carries.
    /// </summary>
    /// <param name="serialized">The stored JSON.</param>
    /// <returns>Plain JSON text, or <c>null</c>.</returns>
    public static string? Normalize(string? serialized)
    {
        if (string.IsNullOrEmpty(serialized))
        {
            return serialized;
        }

        try
        {
            using var outer = JsonDocument.Parse(serialized);
            if (outer.RootElement.ValueKind != JsonValueKind.String)
            {
                return serialized;
            }

            // Written by Write(): the string holds JSON. A plain string written by another tool does not parse as
            // JSON and is returned as a JSON string instead.
            var inner = outer.RootElement.GetString();
            return !string.IsNullOrEmpty(inner) && IsJson(inner) ? inner : serialized;
        }
        catch (JsonException)
        {
            // Plain text that is no JSON at all (Durable Task's Azure Storage provider keeps a suspended instance's
            // reason as its output): the port's metadata carries JSON, so it becomes a JSON string.
            return JsonSerializer.Serialize(serialized, DurableJson.Options);
        }
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
