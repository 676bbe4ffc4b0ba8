namespace Transfers.Core.Exports;

/// <summary>Settings of the Exports family, bound from <c>Transfers:Exports</c> (<c>Transfers__Exports__*</c>).</summary>
public sealed class ExportsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Transfers:Exports";

    /// <summary>Gets or sets the most rows per output file, and per checkpointed chunk for table destinations.</summary>
    public int RowsPerFile { get; set; } = 100_000;

    /// <summary>Gets or sets how many models of one transfer export at once.</summary>
    public int MaxParallelModels { get; set; } = 8;

    /// <summary>
    /// Gets or sets how many chunks of one model export at once: a model is split into up to this many partition-key
    /// ranges, each read as its own chain of chunks. 1 reads every model as one chain.
    /// </summary>
    public int MaxParallelChunks { get; set; } = 4;

    /// <summary>Gets or sets how many table batches one model keeps in flight when writing a table destination, shared by its parallel chunks.</summary>
    public int MaxParallelTableBatches { get; set; } = 16;

    /// <summary>Gets or sets how often a transfer waiting for its destination checks whether its turn has come.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how long after its submission a transfer that no orchestration has picked up counts as never
    /// started (its submit was cut short): the next transfer to its destination then ends it as ERROR instead of
    /// waiting behind it for ever.
    /// </summary>
    public TimeSpan OrphanedTransferTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how many times an activity is attempted before its model fails.</summary>
    public int ActivityMaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the delay before an activity's first retry; later retries double it.</summary>
    public TimeSpan ActivityFirstRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the block size of blob uploads, in bytes.</summary>
    public int BlobBlockSizeBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the most transfers one page of <c>GET /transfers</c> returns.</summary>
    public int MaxPageSize { get; set; } = 100;
}
