using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Transfers.Core.Application;

namespace Transfers.Core.Ownership;

/// <summary>
/// The fields of the lean resource documents: a name, scalar properties and references to other resources of the same
/// owner (<c>_integrationId</c>, <c>_connectionId</c>, a flow's <c>pageGenerators[]._exportId</c> and
/// <c>pageProcessors[]._importId|_exportId</c>, …). Requests carry nothing else.
/// </summary>
public static class ResourceSchema
{
    /// <summary>The largest serialized document, in characters; it must fit a table property.</summary>
    public const int MaxDocumentLength = 30_000;

    private const int MaxStringLength = 1024;
    private const int MaxSteps = 200;

    private static readonly FrozenDictionary<string, FrozenDictionary<string, FieldKind>> s_fields = BuildFields();

    // The collections whose preview documents carry only an _id; every other one names its documents.
    private static readonly FrozenSet<string> s_unnamed = FrozenSet.Create(StringComparer.Ordinal, "revisions", "ialicenseinstalls");

    private enum FieldKind
    {
        Text,
        Boolean,
        IntegrationRef,
        FlowRef,
        ConnectionRef,
        IClientRef,
        PageGenerators,
        PageProcessors,
    }

    /// <summary>Gets the reference fields of a flow step and the collection each one names.</summary>
    public static IReadOnlyDictionary<string, string> StepReferences { get; } = new Dictionary<string, string>
    {
        ["_exportId"] = ResourceCollections.Exports,
        ["_importId"] = ResourceCollections.Imports,
    };

    /// <summary>
    /// Checks a request body against the collection's fields: known fields only, the right JSON types, references as
    /// 24-hex ids, a non-blank <c>name</c> in every collection whose documents have one (all but revisions and
    /// ialicenseinstalls). It does not check that references exist; see <see cref="References"/>.
    /// </summary>
    /// <param name="collection">The collection.</param>
    /// <param name="body">The request body.</param>
    /// <returns>The problems; empty when the body is valid.</returns>
    public static IReadOnlyList<FieldError> Validate(string collection, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var fields = s_fields[collection];
        var errors = new List<FieldError>();
        foreach (var (name, value) in body)
        {
            if (!fields.TryGetValue(name, out var kind))
            {
                errors.Add(new FieldError("unknown_field", $"'{name}' is not a field of {collection}.", name));
                continue;
            }

            var error = kind switch
            {
                FieldKind.Text when name == "name" && value?.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetValue<string>()) =>
                    new FieldError("invalid_value", "'name' must not be blank.", name),
                FieldKind.Text => CheckText(name, value),
                FieldKind.Boolean => value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : TypeError(name, "a boolean"),
                FieldKind.PageGenerators or FieldKind.PageProcessors => CheckSteps(name, value, kind == FieldKind.PageProcessors),
                _ => CheckId(name, value),
            };
            if (error is not null)
            {
                errors.Add(error);
            }
        }

        if (!s_unnamed.Contains(collection) && !body.ContainsKey("name"))
        {
            errors.Add(new FieldError("missing_required_field", $"'name' is required for {collection}.", "name"));
        }

        return errors;
    }

    /// <summary>Lists the references a valid document makes, as (field, collection, id).</summary>
    /// <param name="collection">The document's collection.</param>
    /// <param name="document">The document.</param>
    /// <returns>The references, possibly repeated.</returns>
    public static IEnumerable<(string Field, string Collection, string Id)> References(string collection, JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var (name, kind) in s_fields[collection])
        {
            if (!document.TryGetPropertyValue(name, out var value) || value is null)
            {
                continue;
            }

            switch (kind)
            {
                case FieldKind.IntegrationRef:
                    yield return (name, ResourceCollections.Integrations, value.GetValue<string>());
                    break;
                case FieldKind.FlowRef:
                    yield return (name, ResourceCollections.Flows, value.GetValue<string>());
                    break;
                case FieldKind.ConnectionRef:
                    yield return (name, ResourceCollections.Connections, value.GetValue<string>());
                    break;
                case FieldKind.IClientRef:
                    yield return (name, ResourceCollections.IClients, value.GetValue<string>());
                    break;
                case FieldKind.PageGenerators or FieldKind.PageProcessors:
                    foreach (var step in value.AsArray().OfType<JsonObject>())
                    {
                        foreach (var (field, target) in StepReferences)
                        {
                            if (step[field] is JsonValue id)
                            {
                                yield return ($"{name}.{field}", target, id.GetValue<string>());
                            }
                        }
                    }

                    break;
                default:
                    break;
            }
        }
    }

    private static FrozenDictionary<string, FrozenDictionary<string, FieldKind>> BuildFields()
    {
        var map = new Dictionary<string, FrozenDictionary<string, FieldKind>>(StringComparer.Ordinal);
        foreach (var collection in ResourceCollections.All)
        {
            // Every collection below integrations can hang off an integration; the others can also hang off a flow.
            var fields = new Dictionary<string, FieldKind>(StringComparer.Ordinal) { ["name"] = FieldKind.Text };
            switch (collection)
            {
                case ResourceCollections.Integrations:
                    fields["_connectorId"] = FieldKind.Text;
                    break;
                case ResourceCollections.Flows:
                    fields["_integrationId"] = FieldKind.IntegrationRef;
                    fields["disabled"] = FieldKind.Boolean;
                    fields["pageGenerators"] = FieldKind.PageGenerators;
                    fields["pageProcessors"] = FieldKind.PageProcessors;
                    break;
                case ResourceCollections.Exports:
                    fields["_integrationId"] = FieldKind.IntegrationRef;
                    fields["type"] = FieldKind.Text;
                    fields["_connectionId"] = FieldKind.ConnectionRef;
                    break;
                case ResourceCollections.Imports:
                    fields["_integrationId"] = FieldKind.IntegrationRef;
                    fields["adaptorType"] = FieldKind.Text;
                    fields["_connectionId"] = FieldKind.ConnectionRef;
                    break;
                case ResourceCollections.Connections:
                    fields["_integrationId"] = FieldKind.IntegrationRef;
                    fields["type"] = FieldKind.Text;
                    fields["_iClientId"] = FieldKind.IClientRef;
                    break;
                default:
                    fields["_integrationId"] = FieldKind.IntegrationRef;
                    fields["_flowId"] = FieldKind.FlowRef;
                    if (collection == "filedefinitions")
                    {
                        fields["description"] = FieldKind.Text;
                    }

                    break;
            }

            map[collection] = fields.ToFrozenDictionary(StringComparer.Ordinal);
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FieldError? CheckText(string field, JsonNode? value) =>
        value?.GetValueKind() != JsonValueKind.String ? TypeError(field, "a string")
        : value.GetValue<string>().Length > MaxStringLength ? new FieldError("invalid_value", $"'{field}' is longer than {MaxStringLength} characters.", field)
        : null;

    private static FieldError? CheckId(string field, JsonNode? value) =>
        value?.GetValueKind() == JsonValueKind.String && ObjectIds.IsValid(value.GetValue<string>())
            ? null
            : new FieldError("invalid_ref", $"'{field}' must be a resource id of 24 lower-case hex characters.", field);

    private static FieldError? CheckSteps(string field, JsonNode? value, bool processors)
    {
        if (value is not JsonArray steps)
        {
            return TypeError(field, "an array");
        }

        if (steps.Count > MaxSteps)
        {
            return new FieldError("invalid_value", $"'{field}' has more than {MaxSteps} steps.", field);
        }

        for (var i = 0; i < steps.Count; i++)
        {
            var path = $"{field}[{i}]";
            if (steps[i] is not JsonObject step)
            {
                return TypeError(path, "an object");
            }

            var references = 0;
            foreach (var (name, member) in step)
            {
                var allowed = name == "_exportId" || (processors && (name == "_importId" || name == "type"));
                if (!allowed)
                {
                    return new FieldError("unknown_field", $"'{name}' is not a field of {field} steps.", $"{path}.{name}");
                }

                var error = name == "type" ? CheckText($"{path}.type", member) : CheckId($"{path}.{name}", member);
                if (error is not null)
                {
                    return error;
                }

                references += name == "type" ? 0 : 1;
            }

            if (references != 1)
            {
                return new FieldError(
                    "missing_required_field",
                    processors ? $"Each step of '{field}' names exactly one of _importId or _exportId." : $"Each step of '{field}' names an _exportId.",
                    path);
            }
        }

        return null;
    }

    private static FieldError TypeError(string field, string expected) =>
        new("invalid_type", $"'{field}' must be {expected}.", field);
}
