namespace Transfers.Core.Reconciliation;

/// <summary>Settings of the reconciler, bound from <c>Transfers:Reconcile</c> (<c>Transfers__Reconcile__*</c>).</summary>
public sealed class ReconcileOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Transfers:Reconcile";

    /// <summary>Gets or sets a value indicating whether the host runs the reconciler; on by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the time between two passes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long a record must have stayed unchanged before a pass acts on it: a start, resume or answer
    /// writes its record first and schedules the orchestration a moment later, and is left to finish that.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many records one table query returns; a pass holds one page per family at a time.</summary>
    public int PageSize { get; set; } = 500;
}
