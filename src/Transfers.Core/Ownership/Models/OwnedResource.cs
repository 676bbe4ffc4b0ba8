namespace Transfers.Core.Ownership;

/// <summary>A resource of one collection and its owner of record.</summary>
/// <param name="Collection">The collection, one of <see cref="ResourceCollections.All"/>.</param>
/// <param name="Id">The resource id (24 hex characters).</param>
/// <param name="OwnerId">The id of the user who owns it.</param>
/// <param name="Name">The name, if any.</param>
/// <param name="Document">The lean document as JSON, <c>_id</c> included.</param>
public sealed record OwnedResource(string Collection, string Id, string OwnerId, string? Name, string Document)
{
    /// <summary>Gets how many times the owner changed; a transfer moves each resource once.</summary>
    public int OwnerVersion { get; init; }

    /// <summary>Gets the id of the transfer that last moved it, if any.</summary>
    public string? MovedBy { get; init; }
}

/// <summary>What moving a set of resources did.</summary>
/// <param name="Moved">How many resources now belong to the new owner through this transfer.</param>
/// <param name="Errors">The resources that were not taken, and why.</param>
public sealed record MoveOutcome(int Moved, IReadOnlyList<TransferError> Errors);

/// <summary>A resource a transfer did not move.</summary>
/// <param name="Code">Why: <c>owner_changed</c> or <c>resource_not_found</c>, or <c>transfer_failed</c> for the whole transfer.</param>
/// <param name="Message">The explanation, for people.</param>
/// <param name="Collection">The resource's collection, if the error is about one resource.</param>
/// <param name="ResourceId">The resource id, if the error is about one resource.</param>
public sealed record TransferError(string Code, string Message, string? Collection = null, string? ResourceId = null);
