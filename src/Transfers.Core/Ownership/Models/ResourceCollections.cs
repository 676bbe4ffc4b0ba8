using System.Collections.Frozen;

namespace Transfers.Core.Ownership;

/// <summary>The resource collections a user owns and a transfer moves, in the order of the preview schema.</summary>
public static class ResourceCollections
{
    /// <summary>Integrations.</summary>
    public const string Integrations = "integrations";

    /// <summary>Flows.</summary>
    public const string Flows = "flows";

    /// <summary>Exports.</summary>
    public const string Exports = "exports";

    /// <summary>Imports.</summary>
    public const string Imports = "imports";

    /// <summary>Connections.</summary>
    public const string Connections = "connections";

    /// <summary>iClients.</summary>
    public const string IClients = "iclients";

    /// <summary>
    /// The pseudo integration id that stands for the flows with no integration (standalone flows) in
    /// <c>_integrationIds</c> and in <c>toTransfer.integrations</c>.
    /// </summary>
    public const string Standalone = "none";

    /// <summary>Gets every collection, in the order of the preview schema.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Integrations, Flows, Exports, Imports, Connections, "filedefinitions", "notifications", "scripts", IClients,
        "stacks", "revisions", "ediprofiles", "syncs", "datasets", "lookupcaches", "ialicenseinstalls",
    ];

    /// <summary>Gets a route constraint pattern that matches exactly the collection names.</summary>
    public static string RoutePattern { get; } = "^(" + string.Join('|', All) + ")$";

    private static readonly FrozenSet<string> s_all = All.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether a name is one of the collections.</summary>
    /// <param name="name">The candidate.</param>
    /// <returns><c>true</c> for a collection name.</returns>
    public static bool IsCollection(string? name) => name is not null && s_all.Contains(name);
}
