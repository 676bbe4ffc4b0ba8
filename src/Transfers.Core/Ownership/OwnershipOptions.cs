namespace Transfers.Core.Ownership;

/// <summary>Settings of the Ownership family, bound from <c>Transfers:Ownership</c> (<c>Transfers__Ownership__*</c>).</summary>
public sealed class OwnershipOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Transfers:Ownership";

    /// <summary>Gets or sets how long an invitation waits for accept, dismiss or cancel before it is canceled.</summary>
    public TimeSpan InviteTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets how many resources one move activity handles; large collections are split into chunks of this size.</summary>
    public int MoveChunkSize { get; set; } = 1000;

    /// <summary>Gets or sets how many move activities one transfer runs at once.</summary>
    public int MaxParallelMoves { get; set; } = 8;

    /// <summary>Gets or sets how many table requests one move activity keeps in flight.</summary>
    public int MoveConcurrency { get; set; } = 4;

    /// <summary>Gets or sets how many times an activity of a transfer is attempted before the transfer fails.</summary>
    public int ActivityMaxAttempts { get; set; } = 5;

    /// <summary>Gets or sets the delay before the first retry of a failed activity; it doubles per retry.</summary>
    public TimeSpan ActivityFirstRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the page size of list routes when the request names none.</summary>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>Gets or sets the largest page size a list request may ask for.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Gets or sets the largest number of resources one transfer may move.</summary>
    public int MaxResourcesPerTransfer { get; set; } = 100_000;
}
