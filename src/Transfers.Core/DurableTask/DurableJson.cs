using System.Text.Json;
using System.Text.Json.Serialization;

namespace Transfers.Core.DurableTask;

/// <summary>
/// The one JSON convention for everything that crosses the durable boundary: inputs, outputs, event payloads and
/// custom status. Web defaults (camelCase, case-insensitive read) with enums as strings.
/// </summary>
public static class DurableJson
{
    /// <summary>Gets the serializer options shared by the engine, the adapters and the tests.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serializes a value; <c>null</c> stays <c>null</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>JSON text, or <c>null</c>.</returns>
    public static string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    /// <summary>Deserializes JSON text; <c>null</c> or empty text gives <c>default</c>.</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="json">The JSON text.</param>
    /// <returns>The value.</returns>
    public static T? Deserialize<T>(string? json) =>
        string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, Options);

    /// <summary>Deserializes JSON text into a runtime type; <c>null</c> or empty text gives <c>null</c>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="type">The target type.</param>
    /// <returns>The value.</returns>
    public static object? Deserialize(string? json, Type type) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, type, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
