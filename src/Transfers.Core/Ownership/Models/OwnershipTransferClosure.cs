using System.Text.Json.Nodes;

namespace Transfers.Core.Ownership;

/// <summary>
/// Which resources a transfer moves: the chosen integrations, their flows, the exports and imports those flows use,
/// the connections those use, their iClients, and every other resource tied to one of them by <c>_integrationId</c>
/// or <c>_flowId</c>. <c>none</c> adds the flows with no integration and their closure; an account transfer takes
/// everything the owner has.
/// </summary>
public static class OwnershipTransferClosure
{
    /// <summary>Computes the closure over the owner's resources.</summary>
    /// <param name="owned">Every resource of the owner.</param>
    /// <param name="integrationIds">The chosen integration ids, <c>none</c> included; ignored for an account transfer.</param>
    /// <param name="account">Whether the whole account moves.</param>
    /// <returns>The resources of the closure, by collection in the preview's order; each collection in id order.</returns>
    public static IReadOnlyDictionary<string, IReadOnlyList<OwnedResource>> Compute(
        IReadOnlyCollection<OwnedResource> owned, IReadOnlyCollection<string> integrationIds, bool account)
    {
        ArgumentNullException.ThrowIfNull(owned);
        ArgumentNullException.ThrowIfNull(integrationIds);
        var documents = owned.ToDictionary(r => (r.Collection, r.Id), r => (Resource: r, Json: JsonNode.Parse(r.Document)!.AsObject()));
        var chosen = new HashSet<(string Collection, string Id)>();
        if (account)
        {
            chosen.UnionWith(documents.Keys);
        }
        else
        {
            var integrations = integrationIds.Where(i => i != ResourceCollections.Standalone).ToHashSet(StringComparer.Ordinal);
            var standalone = integrationIds.Contains(ResourceCollections.Standalone);
            bool Tied(JsonObject json) =>
                json["_integrationId"] is JsonValue id ? integrations.Contains(id.GetValue<string>()) : false;

            chosen.UnionWith(documents.Keys.Where(k => k.Collection == ResourceCollections.Integrations && integrations.Contains(k.Id)));
            var flows = documents
                .Where(d => d.Key.Collection == ResourceCollections.Flows && (Tied(d.Value.Json) || (standalone && d.Value.Json["_integrationId"] is null)))
                .Select(d => d.Key.Id)
                .ToHashSet(StringComparer.Ordinal);
            chosen.UnionWith(flows.Select(f => (ResourceCollections.Flows, f)));

            // Everything else that hangs off a chosen integration or flow, then what the chosen resources use.
            chosen.UnionWith(documents
                .Where(d => d.Key.Collection is not (ResourceCollections.Integrations or ResourceCollections.Flows) &&
                    (Tied(d.Value.Json) || (d.Value.Json["_flowId"] is JsonValue flow && flows.Contains(flow.GetValue<string>()))))
                .Select(d => d.Key));
            AddReferenced(chosen, documents);
        }

        var byCollection = chosen
            .GroupBy(k => k.Collection)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<OwnedResource>)[.. g.Select(k => documents[k].Resource).OrderBy(r => r.Id, StringComparer.Ordinal)]);
        return ResourceCollections.All
            .Where(byCollection.ContainsKey)
            .ToDictionary(c => c, c => byCollection[c], StringComparer.Ordinal);
    }

    private static void AddReferenced(HashSet<(string Collection, string Id)> chosen, Dictionary<(string, string), (OwnedResource Resource, JsonObject Json)> documents)
    {
        // References point downwards (flow → export/import → connection → iClient), so a work list reaches them all.
        var pending = new Queue<(string Collection, string Id)>(chosen);
        while (pending.TryDequeue(out var key))
        {
            foreach (var (field, collection, id) in ResourceSchema.References(key.Collection, documents[key].Json))
            {
                if (field != "_integrationId" && field != "_flowId" && documents.ContainsKey((collection, id)) && chosen.Add((collection, id)))
                {
                    pending.Enqueue((collection, id));
                }
            }
        }
    }
}
