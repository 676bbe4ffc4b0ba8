using System.Globalization;

namespace Transfers.Core.Ownership;

/// <summary>The processing statuses of an ownership transfer, as the seed writes them.</summary>
public static class OwnershipTransferStatus
{
    /// <summary>Invited; waiting for the invitee.</summary>
    public const string Unapproved = "unapproved";

    /// <summary>Accepted; waiting to start moving.</summary>
    public const string Queued = "queued";

    /// <summary>Moving resources.</summary>
    public const string Started = "started";

    /// <summary>Every resource moved.</summary>
    public const string Done = "done";

    /// <summary>Canceled by the owner, dismissed by the invitee, or expired.</summary>
    public const string Canceled = "canceled";

    /// <summary>Ended with <c>transferErrors</c>.</summary>
    public const string Failed = "failed";

    /// <summary>Whether a status ends a transfer for good.</summary>
    /// <param name="status">The status.</param>
    /// <returns><c>true</c> for done, canceled and failed.</returns>
    public static bool IsClosed(string? status) => status is Done or Canceled or Failed;
}

/// <summary>An ownership transfer: an invitation from an owner to another user, and its progress.</summary>
public sealed record OwnershipTransfer
{
    /// <summary>Gets the transfer id (24 hex characters).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the id of the user who invited.</summary>
    public required string OwnerId { get; init; }

    /// <summary>Gets the id of the invitee.</summary>
    public required string ToUserId { get; init; }

    /// <summary>Gets the status, one of <see cref="OwnershipTransferStatus"/>.</summary>
    public string Status { get; init; } = OwnershipTransferStatus.Unapproved;

    /// <summary>Gets a value indicating whether the invitee accepted.</summary>
    public bool Accepted { get; init; }

    /// <summary>Gets a value indicating whether the invitee dismissed.</summary>
    public bool Dismissed { get; init; }

    /// <summary>Gets a value indicating whether the whole account is transferred.</summary>
    public bool Account { get; init; }

    /// <summary>Gets when the invitation was made.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the record last changed.</summary>
    public DateTimeOffset LastModified { get; init; }

    /// <summary>Gets when the invitation expires unless answered.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets when the transfer completed, if it did.</summary>
    public DateTimeOffset? TransferredAt { get; init; }

    /// <summary>Gets the integration ids of the transfer (with <c>none</c> for standalone flows), which it locks while open.</summary>
    public IReadOnlyList<string> IntegrationIds { get; init; } = [];

    /// <summary>Gets a value indicating whether the transfer has ended for good.</summary>
    public bool IsClosed => OwnershipTransferStatus.IsClosed(Status);
}

/// <summary>A resource listed in a transfer's <c>toTransfer</c>.</summary>
/// <param name="Collection">The collection.</param>
/// <param name="Id">The resource id, or <c>none</c> in <c>integrations</c> for standalone flows.</param>
/// <param name="Name">The name at the time of the invitation, if any.</param>
public sealed record TransferResourceRef(string Collection, string Id, string? Name);

/// <summary>A transfer with its <c>toTransfer</c> and its errors, as one transfer is shown.</summary>
/// <param name="Transfer">The record.</param>
/// <param name="Resources">Its <c>toTransfer</c>.</param>
/// <param name="Errors">Its <c>transferErrors</c>; read only for a failed transfer.</param>
public sealed record OwnershipTransferDetails(OwnershipTransfer Transfer, IReadOnlyList<TransferResourceRef> Resources, IReadOnlyList<TransferError> Errors);

/// <summary>A transfer in a list, with the other party: the invitee of an outbound transfer, the owner of an inbound one.</summary>
/// <param name="Details">The transfer.</param>
/// <param name="OtherUserId">The other party's id.</param>
/// <param name="OtherUser">The other party; <c>null</c> when that user no longer exists.</param>
public sealed record OwnershipListedTransfer(OwnershipTransferDetails Details, string OtherUserId, OwnershipUser? OtherUser);

/// <summary>A page of a user's outbound or inbound transfers.</summary>
/// <param name="Items">The transfers.</param>
/// <param name="HasMore">Whether more transfers follow the last.</param>
public sealed record OwnershipTransferPage(IReadOnlyList<OwnershipListedTransfer> Items, bool HasMore);

/// <summary>Which of a user's transfers a list shows.</summary>
public enum OwnershipDirection
{
    /// <summary>The transfers the user sent.</summary>
    Outbound,

    /// <summary>The transfers offered to the user.</summary>
    Inbound,
}

/// <summary>How the seed writes times, in bodies and in messages alike.</summary>
public static class OwnershipText
{
    /// <summary>Formats a timestamp as ISO 8601 in UTC with milliseconds.</summary>
    /// <param name="value">The timestamp.</param>
    /// <returns>The text.</returns>
    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
