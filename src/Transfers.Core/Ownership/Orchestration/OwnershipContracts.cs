namespace Transfers.Core.Ownership;

/// <summary>Input of <see cref="OwnershipTransferOrchestration"/>. Settings travel in the input so replays see the same values.</summary>
/// <param name="TransferId">The transfer id.</param>
/// <param name="ExpiresAtUtc">When the invitation expires unless answered.</param>
/// <param name="MaxParallelMoves">How many move activities run at once.</param>
/// <param name="ActivityMaxAttempts">Attempts per activity before the transfer fails.</param>
/// <param name="ActivityFirstRetryInterval">The first retry delay; it doubles per retry.</param>
public sealed record OwnershipTransferInput(
    string TransferId,
    DateTime ExpiresAtUtc,
    int MaxParallelMoves,
    int ActivityMaxAttempts,
    TimeSpan ActivityFirstRetryInterval);

/// <summary>A range of one collection's resources of a transfer, moved by one activity.</summary>
/// <param name="Collection">The collection.</param>
/// <param name="FirstId">The first resource id of the range.</param>
/// <param name="LastId">The last resource id of the range.</param>
/// <param name="Count">How many resources of the transfer the range holds.</param>
public sealed record OwnershipMoveChunk(string Collection, string FirstId, string LastId, int Count);

/// <summary>Input of <see cref="MoveOwnershipChunkActivity"/>.</summary>
/// <param name="TransferId">The transfer id.</param>
/// <param name="Chunk">The range of resources to move.</param>
public sealed record MoveOwnershipChunkInput(string TransferId, OwnershipMoveChunk Chunk);

/// <summary>Result of <see cref="MoveOwnershipChunkActivity"/>.</summary>
/// <param name="Moved">Resources that belong to the invitee now.</param>
/// <param name="Failed">Resources not taken; recorded as the transfer's errors.</param>
public sealed record MoveOwnershipChunkResult(int Moved, int Failed);

/// <summary>Input of <see cref="CompleteOwnershipTransferActivity"/>.</summary>
/// <param name="TransferId">The transfer id.</param>
/// <param name="CompletedAtUtc">The orchestration's time at completion, which becomes <c>transferredAt</c>.</param>
/// <param name="Failure">Why the moves stopped, when an activity failed for good.</param>
public sealed record CompleteOwnershipTransferInput(string TransferId, DateTime CompletedAtUtc, string? Failure);

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
