using Transfers.Core.Tabular;

namespace Transfers.Core.Exports;

/// <summary>The input of <see cref="ExportTransferOrchestration"/>.</summary>
/// <param name="Tenant">The owner.</param>
/// <param name="TransferId">The transfer id.</param>
public sealed record ExportTransferInput(string Tenant, string TransferId);

/// <summary>Whether a transfer may start.</summary>
/// <param name="Exists">Whether the transfer record exists.</param>
/// <param name="IsTurn">Whether no earlier transfer to the destination is unfinished.</param>
/// <param name="CancelRequested">Whether a client asked to cancel.</param>
/// <param name="PollInterval">How long to wait before asking again.</param>
/// <param name="EndedStatus">
/// The final status when the transfer ended before its orchestration claimed it (cancelled, or given up as never
/// started); the orchestration then has nothing to do.
/// </param>
public sealed record ExportTurn(bool Exists, bool IsTurn, bool CancelRequested, TimeSpan PollInterval, string? EndedStatus = null);

/// <summary>Where a transfer writes, as resolved when it started.</summary>
/// <param name="Id">The destination id.</param>
/// <param name="Vendor">The destination kind.</param>
/// <param name="Connection">The named storage connection (the PostgreSQL connection of postgres destinations).</param>
/// <param name="Container">The blob container (blob destinations).</param>
/// <param name="TablePrefix">The table name prefix (table destinations).</param>
/// <param name="PathPrefix">The blob folder; empty for the container root.</param>
/// <param name="Format">The file format.</param>
/// <param name="Compression">The file compression.</param>
/// <param name="Schema">The schema of the model tables (postgres destinations); last and optional, so that plans in the history of transfers started before it existed still read.</param>
public sealed record ExportTarget(
    string Id,
    string Vendor,
    string Connection,
    string? Container,
    string? TablePrefix,
    string PathPrefix,
    RowFileFormat Format,
    RowFileCompression Compression,
    string? Schema = null)
{
    /// <summary>Gets a value indicating whether the destination is a blob container.</summary>
    public bool IsBlob => Vendor == ExportVendors.AzureBlobStorage;
}

/// <summary>One model of a transfer, as resolved when it started.</summary>
/// <param name="ModelName">The model name.</param>
/// <param name="SourceTable">The source table.</param>
/// <param name="SourceConnection">The source connection name.</param>
/// <param name="PrimaryKey">The key columns.</param>
/// <param name="LastUpdatedAtColumn">The window column.</param>
/// <param name="Columns">The exported columns; all when null.</param>
/// <param name="Window">The model's window.</param>
/// <param name="KeyRanges">The partition-key ranges the model is read in, in key order; the whole table when null or empty.</param>
public sealed record ExportModelPlan(
    string ModelName,
    string SourceTable,
    string SourceConnection,
    IReadOnlyList<string> PrimaryKey,
    string LastUpdatedAtColumn,
    IReadOnlyList<string>? Columns,
    ExportWindow Window,
    IReadOnlyList<TableKeyRange>? KeyRanges = null);

/// <summary>What a started transfer does; settings are fixed here so that replays see the same values.</summary>
/// <param name="Error">Why the transfer cannot run (its destination is gone), or <c>null</c>.</param>
/// <param name="Destination">The destination.</param>
/// <param name="Models">The models with their windows.</param>
/// <param name="IsDebugMode">Whether to keep a debug log.</param>
/// <param name="RowsPerChunk">The most rows per chunk (and per file).</param>
/// <param name="MaxParallelModels">How many models run at once.</param>
/// <param name="MaxAttempts">Attempts per activity.</param>
/// <param name="FirstRetryInterval">The delay before an activity's first retry.</param>
/// <param name="MaxParallelChunks">How many chunks of one model run at once.</param>
public sealed record ExportPlan(
    string? Error,
    ExportTarget? Destination,
    IReadOnlyList<ExportModelPlan> Models,
    bool IsDebugMode,
    int RowsPerChunk,
    int MaxParallelModels,
    int MaxAttempts,
    TimeSpan FirstRetryInterval,
    int MaxParallelChunks = 1);

/// <summary>The input of <see cref="StartExportActivity"/>.</summary>
/// <param name="Tenant">The owner.</param>
/// <param name="TransferId">The transfer id.</param>
/// <param name="StartedAt">The orchestration's time.</param>
public sealed record StartExportInput(string Tenant, string TransferId, DateTimeOffset StartedAt);

/// <summary>One written file.</summary>
/// <param name="Path">The blob name.</param>
/// <param name="Rows">Its rows.</param>
/// <param name="Bytes">Its stored size.</param>
/// <param name="Sha256">The lower-case hex SHA-256 of its bytes.</param>
public sealed record ExportFile(string Path, long Rows, long Bytes, string Sha256);

/// <summary>The input of <see cref="ExportChunkActivity"/>: one chunk of one model.</summary>
/// <param name="Tenant">The owner.</param>
/// <param name="TransferId">The transfer id.</param>
/// <param name="IsDebugMode">Whether to write the debug log.</param>
/// <param name="Destination">The destination.</param>
/// <param name="Model">The model.</param>
/// <param name="ChunkIndex">The chunk number within the model, from 0, in the order chunks were scheduled; names the chunk's file.</param>
/// <param name="KeyRange">The partition-key range the chunk reads.</param>
/// <param name="ContinuationToken">Where the chunk starts within its range; <c>null</c> for the range's first chunk.</param>
/// <param name="RowsPerChunk">The most rows of the chunk.</param>
/// <param name="RowsBefore">Rows of the model's chunks finished when this one was scheduled, for progress.</param>
/// <param name="BytesBefore">Bytes of the model's chunks finished when this one was scheduled, for progress.</param>
public sealed record ExportChunkInput(
    string Tenant,
    string TransferId,
    bool IsDebugMode,
    ExportTarget Destination,
    ExportModelPlan Model,
    int ChunkIndex,
    TableKeyRange KeyRange,
    string? ContinuationToken,
    int RowsPerChunk,
    long RowsBefore,
    long BytesBefore);

/// <summary>What one chunk did.</summary>
/// <param name="Rows">Rows written.</param>
/// <param name="Bytes">Bytes written.</param>
/// <param name="File">The file written (blob destinations with rows), or <c>null</c>.</param>
/// <param name="NextToken">Where the next chunk of the same key range starts; <c>null</c> when the range is done.</param>
/// <param name="CancelRequested">Whether a client asked to cancel meanwhile.</param>
public sealed record ExportChunkResult(long Rows, long Bytes, ExportFile? File, string? NextToken, bool CancelRequested);

/// <summary>The input of <see cref="WriteExportManifestActivity"/>.</summary>
/// <param name="TransferId">The transfer id.</param>
/// <param name="Destination">The destination.</param>
/// <param name="Model">The model.</param>
/// <param name="Files">The model's files, in order.</param>
public sealed record WriteExportManifestInput(string TransferId, ExportTarget Destination, ExportModelPlan Model, IReadOnlyList<ExportFile> Files);

/// <summary>The input of <see cref="RecordExportModelResultActivity"/>.</summary>
/// <param name="Tenant">The owner.</param>
/// <param name="TransferId">The transfer id.</param>
/// <param name="DestinationId">The destination id.</param>
/// <param name="Metrics">The model's final metrics; SUCCESS advances its watermark.</param>
/// <param name="IsDebugMode">Whether to write the model's end to the debug log.</param>
public sealed record RecordExportModelResultInput(string Tenant, string TransferId, string DestinationId, ExportModelMetrics Metrics, bool IsDebugMode = false);

/// <summary>The input of <see cref="FinishExportActivity"/>.</summary>
/// <param name="Tenant">The owner.</param>
/// <param name="TransferId">The transfer id.</param>
/// <param name="Status">The final status.</param>
/// <param name="EndedAt">The orchestration's time.</param>
/// <param name="Error">Why the transfer as a whole failed, for users; <c>null</c> otherwise.</param>
public sealed record FinishExportInput(string Tenant, string TransferId, string Status, DateTimeOffset EndedAt, string? Error = null);
