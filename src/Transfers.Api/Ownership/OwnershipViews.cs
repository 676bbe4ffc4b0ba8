using System.Text.Json.Nodes;
using Transfers.Core.Ownership;

namespace Transfers.Api.Ownership;

/// <summary>The JSON shapes of the seed: <c>Transfer</c>, <c>PreviewResponse</c>, <c>ToTransfer</c>, <c>UserSummary</c>.</summary>
public static class OwnershipViews
{
    /// <summary>Fields every <c>include</c> summary of a transfer keeps, and no <c>exclude</c> removes.</summary>
    public static IReadOnlyCollection<string> AlwaysOn { get; } = ["_id", "status", "account", "createdAt"];

    /// <summary>Builds a <c>Transfer</c>.</summary>
    /// <param name="details">The transfer with its <c>toTransfer</c> and errors.</param>
    /// <returns>The <c>Transfer</c> object.</returns>
    public static JsonObject Transfer(OwnershipTransferDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var transfer = details.Transfer;
        var json = new JsonObject
        {
            ["_id"] = transfer.Id,
            ["_transferToUserId"] = transfer.ToUserId,
            ["accepted"] = transfer.Accepted,
            ["dismissed"] = transfer.Dismissed,
            ["status"] = transfer.Status,
            ["createdAt"] = OwnershipText.Date(transfer.CreatedAt),
            ["lastModified"] = OwnershipText.Date(transfer.LastModified),
        };
        if (transfer.TransferredAt is { } transferredAt)
        {
            json["transferredAt"] = OwnershipText.Date(transferredAt);
        }

        json["account"] = transfer.Account;
        json["toTransfer"] = ToTransfer(details.Resources);
        if (details.Errors.Count > 0)
        {
            json["transferErrors"] = new JsonArray([.. details.Errors.Select(Error)]);
        }

        return json;
    }

    /// <summary>
    /// Builds a page of a transfer list: each <c>Transfer</c> with the other party as <c>transferToUser</c> (outbound) or
    /// <c>ownerUser</c> (inbound), projected by the request's <c>include</c> or <c>exclude</c>.
    /// </summary>
    /// <param name="page">The page.</param>
    /// <param name="direction">Which list.</param>
    /// <param name="projection">The projection, if the request asked for one.</param>
    /// <returns>The array.</returns>
    public static JsonArray TransferList(OwnershipTransferPage page, OwnershipDirection direction, ListProjection? projection)
    {
        ArgumentNullException.ThrowIfNull(page);
        var embedded = direction == OwnershipDirection.Outbound ? "transferToUser" : "ownerUser";
        var items = new JsonArray();
        foreach (var item in page.Items)
        {
            var json = Transfer(item.Details);
            json[embedded] = UserSummary(item.OtherUser, item.OtherUserId);
            items.Add(projection?.Apply(json, AlwaysOn) ?? json);
        }

        return items;
    }

    /// <summary>Builds a <c>PreviewResponse</c>: the documents that would move, by collection.</summary>
    /// <param name="closure">The resources by collection.</param>
    /// <returns>The object.</returns>
    public static JsonObject Preview(IReadOnlyDictionary<string, IReadOnlyList<OwnedResource>> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        var preview = new JsonObject();
        foreach (var (collection, resources) in closure)
        {
            preview[collection] = new JsonArray([.. resources.Select(r => JsonNode.Parse(r.Document))]);
        }

        return preview;
    }

    /// <summary>Builds a <c>ToTransfer</c> object: collections in the preview's order, each a list of id/name pairs.</summary>
    /// <param name="resources">The resources.</param>
    /// <returns>The object.</returns>
    public static JsonObject ToTransfer(IEnumerable<TransferResourceRef> resources)
    {
        var byCollection = resources.ToLookup(r => r.Collection);
        var json = new JsonObject();
        foreach (var collection in ResourceCollections.All.Where(byCollection.Contains))
        {
            json[collection] = new JsonArray([.. byCollection[collection].Select(Reference)]);
        }

        return json;
    }

    /// <summary>Builds a <c>UserSummary</c>.</summary>
    /// <param name="user">The user; <c>null</c> for one that no longer exists.</param>
    /// <param name="userId">The user id, used when the user no longer exists.</param>
    /// <returns>The object.</returns>
    public static JsonObject UserSummary(OwnershipUser? user, string userId)
    {
        var json = new JsonObject { ["_id"] = user?.Id ?? userId };
        if (user is not null)
        {
            json["email"] = user.Email;
            if (user.Name is not null)
            {
                json["name"] = user.Name;
            }
        }

        return json;
    }

    private static JsonObject Reference(TransferResourceRef resource)
    {
        var json = new JsonObject { ["_id"] = resource.Id };
        if (resource.Name is not null)
        {
            json["name"] = resource.Name;
        }

        return json;
    }

    private static JsonObject Error(TransferError error)
    {
        var json = new JsonObject { ["code"] = error.Code, ["message"] = error.Message };
        if (error.Collection is not null)
        {
            json["collection"] = error.Collection;
        }

        if (error.ResourceId is not null)
        {
            json["_id"] = error.ResourceId;
        }

        return json;
    }
}
