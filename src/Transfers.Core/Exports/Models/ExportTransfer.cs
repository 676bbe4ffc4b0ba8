using System.Security.Cryptography;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Transfers.Core.Exports;

/// <summary>The statuses of a transfer and of a model within it, with their API names.</summary>
public static class ExportStatus
{
    /// <summary>Submitted, waiting for its destination.</summary>
    public const string Pending = "PENDING";

    /// <summary>Exporting.</summary>
    public const string Running = "RUNNING";

    /// <summary>Every model succeeded.</summary>
    public const string Success = "SUCCESS";

    /// <summary>Some models failed, some succeeded.</summary>
    public const string PartialFailure = "PARTIAL_FAILURE";

    /// <summary>Every model failed, or the transfer could not run.</summary>
    public const string Error = "ERROR";

    /// <summary>Cancelled by a client.</summary>
    public const string Cancelled = "CANCELLED";

    /// <summary>The statuses a client may filter on.</summary>
    public static readonly IReadOnlyList<string> All = [Pending, Running, Success, PartialFailure, Error, Cancelled];

    /// <summary>Whether a status is final.</summary>
    /// <param name="status">The status.</param>
    /// <returns><c>true</c> for SUCCESS, PARTIAL_FAILURE, ERROR and CANCELLED.</returns>
    public static bool IsTerminal(string status) => status is Success or PartialFailure or Error or Cancelled;
}

/// <summary>What one model of a transfer did.</summary>
public sealed record ExportModelMetrics
{
    /// <summary>Gets the model name.</summary>
    public required string ModelName { get; init; }

    /// <summary>Gets the model's status within the transfer.</summary>
    public required string Status { get; init; }

    /// <summary>Gets the inclusive start of the model's window.</summary>
    public DateTimeOffset? StartTransferWindowAt { get; init; }

    /// <summary>Gets the exclusive end of the model's window.</summary>
    public DateTimeOffset? EndTransferWindowAt { get; init; }

    /// <summary>Gets how many rows were written so far.</summary>
    public long RowsTransferred { get; init; }

    /// <summary>Gets how many bytes were written so far (stored size; estimated for table destinations).</summary>
    public long BytesTransferred { get; init; }

    /// <summary>Gets the written volume in MiB.</summary>
    public double VolumeTransferredInMb => Math.Round(BytesTransferred / (1024.0 * 1024.0), 3);

    /// <summary>Gets the files written (blob destinations), in order; the manifest last.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Gets what went wrong, if the model failed.</summary>
    public string? Error { get; init; }
}

/// <summary>A transfer as clients see it.</summary>
public sealed partial record ExportTransfer
{
    /// <summary>Gets the transfer id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the destination id.</summary>
    public required string DestinationId { get; init; }

    /// <summary>Gets the status; see <see cref="ExportStatus"/>.</summary>
    public required string Status { get; init; }

    /// <summary>Gets a value indicating whether the transfer ignores watermarks and starts at the epoch.</summary>
    public bool FullRefresh { get; init; }

    /// <summary>Gets a value indicating whether the transfer keeps a debug log.</summary>
    public bool IsDebugMode { get; init; }

    /// <summary>Gets the models requested; empty means every enabled model.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Gets the tags.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the window start as used (the earliest model start), or as requested until the transfer starts.</summary>
    public DateTimeOffset? StartTransferWindowAt { get; init; }

    /// <summary>Gets the window end as used, or as requested until the transfer starts.</summary>
    public DateTimeOffset? EndTransferWindowAt { get; init; }

    /// <summary>Gets when the transfer was submitted.</summary>
    public DateTimeOffset SubmittedAt { get; init; }

    /// <summary>Gets when it started running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Gets the rows written so far, over all models.</summary>
    public long RowsTransferred => ModelMetrics.Sum(m => m.RowsTransferred);

    /// <summary>Gets the volume written so far in MiB, over all models.</summary>
    public double VolumeTransferredInMb => Math.Round(ModelMetrics.Sum(m => m.BytesTransferred) / (1024.0 * 1024.0), 3);

    /// <summary>Gets the per-model metrics.</summary>
    public IReadOnlyList<ExportModelMetrics> ModelMetrics { get; init; } = [];

    /// <summary>Gets why the transfer as a whole failed (it could not start or never got to run); a model's failure is in its metrics.</summary>
    public string? Error { get; init; }

    /// <summary>Gets a value indicating whether a client asked to cancel.</summary>
    [JsonIgnore]
    public bool CancelRequested { get; init; }

    /// <summary>Whether a transfer id has the shape this service issues.</summary>
    /// <param name="id">The id.</param>
    /// <returns><c>true</c> when well-formed.</returns>
    public static bool IsWellFormedId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Makes a transfer id that sorts newest first, so listings come back in that order.</summary>
    /// <param name="submittedAt">The submission time.</param>
    /// <returns>The id.</returns>
    public static string NewId(DateTimeOffset submittedAt) =>
        "tr" + (DateTimeOffset.MaxValue.UtcTicks - submittedAt.UtcTicks).ToString("x16") + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    [GeneratedRegex("^tr[0-9a-f]{24}$")]
    private static partial Regex IdPattern();
}

/// <summary>What a cancel request did.</summary>
public enum ExportCancelOutcome
{
    /// <summary>The tenant has no such transfer.</summary>
    NotFound,

    /// <summary>The transfer had already ended.</summary>
    AlreadyEnded,

    /// <summary>The running (or waiting) orchestration was asked to stop; it does so between chunks.</summary>
    Requested,

    /// <summary>No orchestration had claimed the transfer yet: it ended CANCELLED at once.</summary>
    Cancelled,
}

/// <summary>The result of a cancel request.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Transfer">The transfer as it is now, or <c>null</c> when not found.</param>
public sealed record ExportCancelResult(ExportCancelOutcome Outcome, ExportTransfer? Transfer);
