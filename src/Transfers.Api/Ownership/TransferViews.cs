using System.Globalization;
using System.Text.Json.Nodes;
using Transfers.Core.Ownership;

namespace Transfers.Api.Ownership;

/// <summary>The JSON shapes of the seed: <c>Transfer</c>, <c>ToTransfer</c>, <c>UserSummary</c>.</summary>
public static class TransferViews
{
    /// <summary>Fields every <c>include</c> summary of a transfer keeps, and no <c>exclude</c> removes.</summary>
    public static IReadOnlyCollection<string> AlwaysOn { get; } = ["_id", "status", "account", "createdAt"];

    /// <summary>Builds a transfer with its <c>toTransfer</c> and <c>transferErrors</c> read from the store.</summary>
    /// <param name="transfer">The transfer.</param>
    /// <param name="store">The transfer store.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The <c>Transfer</c> object.</returns>
    public static async Task<JsonObject> BuildAsync(OwnershipTransfer transfer, TransferStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        ArgumentNullException.ThrowIfNull(store);
        var resources = await store.GetResourcesAsync(transfer.Id, cancellationToken);
        var errors = transfer.Status == OwnershipTransferStatus.Failed ? await store.GetErrorsAsync(transfer.Id, cancellationToken) : [];
        return Build(transfer, resources, errors);
    }

    /// <summary>Builds a transfer.</summary>
    /// <param name="transfer">The transfer.</param>
    /// <param name="resources">Its <c>toTransfer</c>.</param>
    /// <param name="errors">Its errors.</param>
    /// <returns>The <c>Transfer</c> object.</returns>
    public static JsonObject Build(OwnershipTransfer transfer, IReadOnlyCollection<TransferResourceRef> resources, IReadOnlyCollection<TransferError> errors)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(errors);
        var json = new JsonObject
        {
            ["_id"] = transfer.Id,
            ["_transferToUserId"] = transfer.ToUserId,
            ["accepted"] = transfer.Accepted,
            ["dismissed"] = transfer.Dismissed,
            ["status"] = Status(transfer.Status),
            ["createdAt"] = Date(transfer.CreatedAt),
            ["lastModified"] = Date(transfer.LastModified),
        };
        if (transfer.TransferredAt is { } transferredAt)
        {
            json["transferredAt"] = Date(transferredAt);
        }

        json["account"] = transfer.Account;
        json["toTransfer"] = ToTransfer(resources);
        if (errors.Count > 0)
        {
            json["transferErrors"] = new JsonArray([.. errors.Select(Error)]);
        }

        return json;
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

    /// <summary>The seed's name of a status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The lower-case name.</returns>
    public static string Status(OwnershipTransferStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Formats a timestamp as ISO 8601 in UTC with milliseconds.</summary>
    /// <param name="value">The timestamp.</param>
    /// <returns>The text.</returns>
    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

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
