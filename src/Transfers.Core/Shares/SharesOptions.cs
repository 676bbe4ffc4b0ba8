using Transfers.Core.Tabular;

namespace Transfers.Core.Shares;

/// <summary>Settings of the Shares family, bound from <c>Transfers:Shares</c>.</summary>
public sealed class SharesOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Transfers:Shares";

    /// <summary>Gets or sets the time between two checks of an automated transfer.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long a destination SAS issued in <c>accessDetails</c> stays valid.</summary>
    public TimeSpan AccessTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets how many source blobs one diff activity lists and compares.</summary>
    public int ListPageSize { get; set; } = 5000;

    /// <summary>The largest <see cref="BatchSize"/>: a batch of files with the longest names still fits one table row.</summary>
    public const int MaxBatchSize = 100;

    /// <summary>Gets or sets how many files one copy or delete activity handles, 1 to <see cref="MaxBatchSize"/>.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Gets or sets how many batch activities run at once in one transfer.</summary>
    public int MaxConcurrentBatches { get; set; } = 8;

    /// <summary>Gets or sets how many server-side copies one batch activity runs at once.</summary>
    public int CopyConcurrency { get; set; } = 16;

    /// <summary>The largest <see cref="MaxTransfersPerShare"/>: deleting a share removes its live transfers in one table transaction.</summary>
    public const int MaxTransfersPerShareCeiling = TableBatchWriter.MaxBatchSize - 1;

    /// <summary>Gets or sets how many live transfers a share may hold, 1 to <see cref="MaxTransfersPerShareCeiling"/>.</summary>
    public int MaxTransfersPerShare { get; set; } = 50;

    /// <summary>Gets or sets how many shares a tenant may hold, at least 1.</summary>
    public int MaxSharesPerTenant { get; set; } = 1000;

    /// <summary>
    /// Gets or sets how many rows one chunk of a postgres destination's table reads and commits, 1 to
    /// <see cref="PostgresShareTableLoader.ChunkRows"/> (the default); lowered to commit a table in more, smaller steps.
    /// </summary>
    public int WarehouseChunkRows { get; set; } = PostgresShareTableLoader.ChunkRows;

    /// <summary>Gets or sets how many per-file errors a transfer keeps.</summary>
    public int MaxErrors { get; set; } = 50;
}
