using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Transfers.Api;

/// <summary>
/// The <c>include</c>/<c>exclude</c> query parameters of list routes. <c>include</c> returns a summary: the always-on
/// fields plus the listed ones the record has; <c>exclude</c> returns the full record without the listed fields,
/// except protected ones. Both take comma-separated names of letters, digits, dots and underscores; a dot reaches
/// into nested objects and into the objects of arrays. Empty values are ignored; both together are rejected.
/// </summary>
public sealed partial class ListProjection
{
    /// <summary>The message of a request that passes both parameters.</summary>
    public const string BothMessage = "Please provide either include or exclude param in the request query and not both.";

    private readonly IReadOnlyList<string[]> _paths;
    private readonly bool _include;

    private ListProjection(IReadOnlyList<string[]> paths, bool include)
    {
        _paths = paths;
        _include = include;
    }

    /// <summary>Parses the parameters of a request.</summary>
    /// <param name="query">The query string.</param>
    /// <param name="projection">The projection; <c>null</c> when neither parameter has a value.</param>
    /// <param name="error">Why the parameters are rejected, when they are.</param>
    /// <returns><c>true</c> when the parameters are acceptable.</returns>
    public static bool TryParse(IQueryCollection query, out ListProjection? projection, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        projection = null;
        var include = string.Join(',', query["include"].Where(v => !string.IsNullOrEmpty(v)));
        var exclude = string.Join(',', query["exclude"].Where(v => !string.IsNullOrEmpty(v)));
        if (include.Length > 0 && exclude.Length > 0)
        {
            error = BothMessage;
            return false;
        }

        var value = include.Length > 0 ? include : exclude;
        if (value.Length == 0)
        {
            error = null;
            return true;
        }

        var name = include.Length > 0 ? "include" : "exclude";
        var paths = new List<string[]>();
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var segments = item.Split('.');
            if (segments.Any(s => !SegmentPattern().IsMatch(s)))
            {
                error = $"The {name} query param accepts only comma-separated field names of letters, digits, dots and underscores; '{item}' is not one.";
                return false;
            }

            paths.Add(segments);
        }

        projection = new ListProjection(paths, include.Length > 0);
        error = null;
        return true;
    }

    /// <summary>Applies the projection to a record.</summary>
    /// <param name="record">The full record; not changed.</param>
    /// <param name="alwaysOn">Fields every summary keeps (<c>include</c>) and no <c>exclude</c> removes.</param>
    /// <returns>The projected record.</returns>
    public JsonObject Apply(JsonObject record, IReadOnlyCollection<string> alwaysOn)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(alwaysOn);
        if (_include)
        {
            var summary = new JsonObject();
            foreach (var field in alwaysOn.Where(record.ContainsKey))
            {
                summary[field] = record[field]?.DeepClone();
            }

            foreach (var path in _paths)
            {
                Include(record, summary, path, 0);
            }

            return summary;
        }

        var copy = record.DeepClone().AsObject();
        foreach (var path in _paths.Where(p => p.Length > 1 || !alwaysOn.Contains(p[0])))
        {
            Exclude(copy, path, 0);
        }

        return copy;
    }

    private static void Include(JsonObject source, JsonObject target, string[] path, int depth)
    {
        if (!source.TryGetPropertyValue(path[depth], out var value))
        {
            return;
        }

        var name = path[depth];
        if (depth == path.Length - 1)
        {
            target[name] = value?.DeepClone();
            return;
        }

        switch (value)
        {
            case JsonObject child:
                var projected = target[name] as JsonObject ?? new JsonObject();
                Include(child, projected, path, depth + 1);
                if (projected.Count > 0)
                {
                    target[name] = projected;
                }

                break;
            case JsonArray items:
                if (target[name] is not JsonArray projectedItems)
                {
                    projectedItems = [.. items.Select(_ => (JsonNode)new JsonObject())];
                    target[name] = projectedItems;
                }

                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is JsonObject item && projectedItems[i] is JsonObject element)
                    {
                        Include(item, element, path, depth + 1);
                    }
                }

                break;
            default:
                break;
        }
    }

    private static void Exclude(JsonNode? node, string[] path, int depth)
    {
        switch (node)
        {
            case JsonObject obj when depth == path.Length - 1:
                obj.Remove(path[depth]);
                break;
            case JsonObject obj:
                Exclude(obj[path[depth]], path, depth + 1);
                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    Exclude(item, path, depth);
                }

                break;
            default:
                break;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex SegmentPattern();
}
