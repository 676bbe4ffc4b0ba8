namespace Transfers.Core.Shares;

/// <summary>Where a share reads from: a blob container and an optional prefix.</summary>
/// <param name="Connection">The named storage connection; the host's own account when null.</param>
/// <param name="Container">The container.</param>
/// <param name="Prefix">The folder inside the container, without leading slash; the whole container when null.</param>
public sealed record ShareSource(string? Connection, string Container, string? Prefix);

/// <summary>Where a share writes to: files under a container and prefix, or tables under a name prefix.</summary>
/// <param name="Kind"><see cref="ShareDestinationKinds.Files"/>, <see cref="ShareDestinationKinds.Table"/> or <see cref="ShareDestinationKinds.Postgres"/>.</param>
/// <param name="Connection">The named storage connection (for a postgres destination, the named PostgreSQL connection); the host's own account when null.</param>
/// <param name="Container">The container of a files destination.</param>
/// <param name="Prefix">The folder of a files destination; files land under <c>{prefix}/latest/</c>.</param>
/// <param name="TablePrefix">The name prefix of the destination tables of a table destination.</param>
/// <param name="Schema">The schema of a postgres destination; its tables land as <c>&lt;schema&gt;.&lt;transfer entity name&gt;</c>.</param>
public sealed record ShareDestination(string Kind, string? Connection, string? Container, string? Prefix, string? TablePrefix, string? Schema = null);

/// <summary>The destination kinds.</summary>
public static class ShareDestinationKinds
{
    /// <summary>Blob files.</summary>
    public const string Files = "files";

    /// <summary>Tables.</summary>
    public const string Table = "table";

    /// <summary>Tables in a PostgreSQL warehouse.</summary>
    public const string Postgres = "postgres";

    /// <summary>Whether a destination of a kind takes a transfer's contents: files go to files, tables to table or postgres.</summary>
    /// <param name="destinationKind">The destination's kind.</param>
    /// <param name="contentsKind">The contents' kind, <see cref="Files"/> or <see cref="Table"/>.</param>
    /// <returns><c>true</c> when it does.</returns>
    public static bool Takes(string destinationKind, string contentsKind) =>
        destinationKind == contentsKind || (destinationKind == Postgres && contentsKind == Table);
}

/// <summary>A share: a provider's source and, once set, a consumer's destination.</summary>
/// <param name="Id">The share id.</param>
/// <param name="Tenant">The owning tenant.</param>
/// <param name="Name">The display name.</param>
/// <param name="Source">The source.</param>
/// <param name="Destination">The destination, if set.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record Share(string Id, string Tenant, string Name, ShareSource Source, ShareDestination? Destination, DateTimeOffset CreatedAt);

/// <summary>The statuses of a share transfer.</summary>
public static class ShareTransferStatus
{
    /// <summary>Created, not started.</summary>
    public const string Created = "created";

    /// <summary>The first full send is running.</summary>
    public const string Sending = "sending";

    /// <summary>A check is running.</summary>
    public const string Syncing = "syncing";

    /// <summary>Waiting for the next check.</summary>
    public const string Synced = "synced";

    /// <summary>Paused by the client.</summary>
    public const string Paused = "paused";

    /// <summary>The last check failed as a whole; the next one retries.</summary>
    public const string Failed = "failed";

    /// <summary>Canceled by the client; final.</summary>
    public const string Canceled = "canceled";

    /// <summary>Replaced by an edited transfer; final.</summary>
    public const string Superseded = "superseded";

    /// <summary>All statuses, for query validation.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Created, Sending, Syncing, Synced, Paused, Failed, Canceled, Superseded,
    };

    /// <summary>Whether an orchestration is (or may be) running for a transfer in this status.</summary>
    /// <param name="status">The status.</param>
    /// <returns><c>true</c> for sending, syncing, synced, paused and failed.</returns>
    public static bool IsActive(string status) => status is Sending or Syncing or Synced or Paused or Failed;

    /// <summary>Whether the orchestration may overwrite this status with a running one.</summary>
    /// <param name="status">The current status.</param>
    /// <returns><c>false</c> once the client paused, canceled or replaced the transfer.</returns>
    public static bool IsRunnable(string status) => status is Sending or Syncing or Synced or Failed;

    /// <summary>Whether a transfer has ended for good; such transfers stay listed but do not count against a share's limit.</summary>
    /// <param name="status">The status.</param>
    /// <returns><c>true</c> for canceled and superseded.</returns>
    public static bool IsFinal(string? status) => status is Canceled or Superseded;
}

/// <summary>The table loading patterns.</summary>
public static class LoadingPatterns
{
    /// <summary>Adds rows updated since the last run.</summary>
    public const string AppendOnly = "APPEND_ONLY";

    /// <summary>Upserts rows by primary key.</summary>
    public const string UpdateAndAppend = "UPDATE_AND_APPEND";

    /// <summary>Replaces the table.</summary>
    public const string Overwrite = "OVERWRITE";

    /// <summary>All patterns.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { AppendOnly, UpdateAndAppend, Overwrite };
}

/// <summary>One table of a table transfer.</summary>
/// <param name="Name">The destination table name (after the destination's table prefix).</param>
/// <param name="SourceTable">The source table.</param>
/// <param name="LoadingPattern">One of <see cref="LoadingPatterns"/>.</param>
/// <param name="PrimaryKey">The key columns; required for UPDATE_AND_APPEND.</param>
/// <param name="FileType">The staging file type, if any.</param>
public sealed record ShareTableEntity(string Name, string SourceTable, string LoadingPattern, IReadOnlyList<string>? PrimaryKey, string? FileType);

/// <summary>What a transfer sends: files (paths) or tables.</summary>
/// <param name="Kind"><see cref="ShareDestinationKinds.Files"/> or <see cref="ShareDestinationKinds.Table"/>.</param>
/// <param name="PathNames">The files and folders of a files transfer, relative to the source prefix.</param>
/// <param name="Tables">The tables of a table transfer.</param>
public sealed record ShareTransferContents(string Kind, IReadOnlyList<string>? PathNames, IReadOnlyList<ShareTableEntity>? Tables);

/// <summary>Progress counts of the running (or last) send or check.</summary>
/// <param name="FilesTotal">Files found to copy so far.</param>
/// <param name="FilesDone">Files copied.</param>
/// <param name="BytesTotal">Bytes found to copy so far.</param>
/// <param name="BytesDone">Bytes copied.</param>
/// <param name="RowsWritten">Table rows written.</param>
public sealed record ShareProgress(long FilesTotal, long FilesDone, long BytesTotal, long BytesDone, long RowsWritten)
{
    /// <summary>Gets no progress.</summary>
    public static ShareProgress None { get; } = new(0, 0, 0, 0, 0);
}

/// <summary>The summary of the last finished check.</summary>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="FilesCopied">Files copied.</param>
/// <param name="FilesDeleted">Destination files deleted because their source was gone.</param>
/// <param name="BytesCopied">Bytes copied.</param>
/// <param name="RowsWritten">Table rows written.</param>
public sealed record ShareSyncSummary(DateTime StartedAt, DateTime EndedAt, long FilesCopied, long FilesDeleted, long BytesCopied, long RowsWritten);

/// <summary>One error of the last check: a file (<paramref name="Path"/>) or a table (<paramref name="Table"/>).</summary>
/// <param name="Path">The file path, relative to the source prefix.</param>
/// <param name="Table">The table name.</param>
/// <param name="Message">What went wrong.</param>
/// <param name="At">When.</param>
public sealed record ShareTransferError(string? Path, string? Table, string Message, DateTime At);

/// <summary>How the consumer reads the data.</summary>
/// <param name="Access">
/// A read+list SAS URL of the destination container, the destination table names, or for a postgres destination the
/// warehouse share identifier <c>postgresql://&lt;role&gt;@&lt;host&gt;:&lt;port&gt;/&lt;database&gt;</c> (its password from
/// <c>POST /v1/shares/{shareId}/credentials</c>).
/// </param>
/// <param name="ExpiresAt">When the SAS expires; null for tables.</param>
/// <param name="Schema">The schema of a postgres destination; null for other kinds.</param>
/// <param name="Role">The share's read-only PostgreSQL role; null for other kinds.</param>
/// <param name="Tables">The loaded tables of a postgres destination, in the schema; null for other kinds.</param>
public sealed record ShareAccessDetails(string Access, DateTimeOffset? ExpiresAt, string? Schema = null, string? Role = null, IReadOnlyList<string>? Tables = null);

/// <summary>A transfer of a share, as stored.</summary>
public sealed record ShareTransfer
{
    /// <summary>Gets the transfer id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the share id.</summary>
    public required string ShareId { get; init; }

    /// <summary>Gets the owning tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>Gets the status; one of <see cref="ShareTransferStatus"/>.</summary>
    public required string Status { get; init; }

    /// <summary>Gets what is sent.</summary>
    public required ShareTransferContents Contents { get; init; }

    /// <summary>Gets the <c>transferNow</c> option as given.</summary>
    public bool TransferNow { get; init; }

    /// <summary>Gets when it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when it was first started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the next check is due.</summary>
    public DateTimeOffset? NextSyncAt { get; init; }

    /// <summary>Gets the progress of the running or last send or check.</summary>
    public ShareProgress Progress { get; init; } = ShareProgress.None;

    /// <summary>Gets the summary of the last finished check.</summary>
    public ShareSyncSummary? LastSync { get; init; }

    /// <summary>Gets the errors of the last check.</summary>
    public IReadOnlyList<ShareTransferError> Errors { get; init; } = [];

    /// <summary>Gets how the consumer reads the data, once started.</summary>
    public ShareAccessDetails? AccessDetails { get; init; }

    /// <summary>
    /// Gets the destination the transfer runs against, the share's when it started: a destination set on the share
    /// afterwards (which the API allows only while no transfer is active) never moves a running transfer's files.
    /// Null until it starts, and for transfers started before it was recorded, which follow the share's.
    /// </summary>
    public ShareDestination? Destination { get; init; }

    /// <summary>Gets the id of the transfer this one replaces (the edit flow).</summary>
    public string? Replaces { get; init; }

    /// <summary>Gets the id of the transfer that replaced this one.</summary>
    public string? SupersededBy { get; init; }

    /// <summary>
    /// Gets the key of the per-file state: a transfer's own id, inherited by the transfers that replace it so that an
    /// edited automation does not copy again what is already in place.
    /// </summary>
    public required string StateKey { get; init; }

    /// <summary>Gets the storage ETag of the record, for optimistic concurrency.</summary>
    public string? ETag { get; init; }

    /// <summary>The destination this transfer writes to: its own once started, else its share's.</summary>
    /// <param name="share">The transfer's share.</param>
    /// <returns>The destination, or <c>null</c> when neither has one.</returns>
    public ShareDestination? DestinationIn(Share share)
    {
        ArgumentNullException.ThrowIfNull(share);
        return Destination ?? share.Destination;
    }
}
