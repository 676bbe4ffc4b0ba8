namespace Transfers.Core.Ownership;

/// <summary>The external events an invitation orchestration waits for. Names are case-insensitive.</summary>
public static class OwnershipEvents
{
    /// <summary>The invitee accepted; payload <see cref="InviteAccepted"/>.</summary>
    public const string Accepted = "OwnershipInviteAccepted";

    /// <summary>The invitee dismissed; payload <see cref="InviteDismissed"/>.</summary>
    public const string Dismissed = "OwnershipInviteDismissed";

    /// <summary>The owner canceled; payload <see cref="InviteCanceled"/>.</summary>
    public const string Canceled = "OwnershipInviteCanceled";
}

/// <summary>Payload of <see cref="OwnershipEvents.Accepted"/>.</summary>
/// <param name="UserId">The invitee who accepted.</param>
public sealed record InviteAccepted(string UserId);

/// <summary>Payload of <see cref="OwnershipEvents.Dismissed"/>.</summary>
/// <param name="UserId">The invitee who dismissed.</param>
public sealed record InviteDismissed(string UserId);

/// <summary>Payload of <see cref="OwnershipEvents.Canceled"/>.</summary>
/// <param name="UserId">The owner who canceled.</param>
public sealed record InviteCanceled(string UserId);
