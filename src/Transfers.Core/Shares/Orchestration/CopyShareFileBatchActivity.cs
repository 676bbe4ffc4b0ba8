using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Storage;
using Transfers.Core.Telemetry;

namespace Transfers.Core.Shares;

/// <summary>
/// Copies one batch of files server side from the source to <c>{prefix}/latest/</c>, verifies each copy against what the
/// diff listed (the length always; the Content-MD5 when the source has one, which blobs uploaded in blocks usually do
/// not) and records the copied versions. A failed file is reported and left for the next check; the others go on.
/// Copying the same version again is harmless, so the activity may run more than once.
/// </summary>
public sealed partial class CopyShareFileBatchActivity : Activity<ShareFileBatchInput, CopyShareFileBatchResult>
{
    private const int MaxReportedErrors = 10;

    /// <summary>The largest source Copy Blob From URL accepts.</summary>
    private const long MaxSyncCopyBytes = 256L * 1024 * 1024;

    /// <summary>
    /// How long the source SAS of a batch stays valid: one signs every file of the batch, and the service reads through it
    /// until an asynchronous copy of a large file ends, so it outlives the batch's last copy.
    /// </summary>
    private static readonly TimeSpan SourceAccessLifetime = TimeSpan.FromHours(6);
    private readonly ShareStore _store;
    private readonly FileSyncStore _state;
    private readonly StorageConnections _connections;
    private readonly SharesOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CopyShareFileBatchActivity> _logger;

    /// <summary>Initializes a new instance of the <see cref="CopyShareFileBatchActivity"/> class.</summary>
    /// <param name="store">The share records.</param>
    /// <param name="state">The per-file state.</param>
    /// <param name="connections">The storage connections.</param>
    /// <param name="options">The Shares settings.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public CopyShareFileBatchActivity(
        ShareStore store, FileSyncStore state, StorageConnections connections, IOptions<SharesOptions> options, TimeProvider time, ILogger<CopyShareFileBatchActivity> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _state = state;
        _connections = connections;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public override async Task<CopyShareFileBatchResult> RunAsync(ActivityContext context, ShareFileBatchInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reference = input.Transfer;
        if (await FileBatch.LoadAsync(_store, _state, input, cancellationToken) is not { } batch)
        {
            return new CopyShareFileBatchResult(true, 0, 0, 0, []);
        }

        var (share, destination, container, items) = batch;
        var sourceService = _connections.Blobs(share.Source.Connection);
        var source = sourceService.GetBlobContainerClient(share.Source.Container);
        var signSource = await ShareSas.BlobReaderAsync(sourceService, _time.GetUtcNow() + SourceAccessLifetime, cancellationToken);
        var target = _connections.Blobs(destination.Connection).GetBlobContainerClient(container);
        var copied = new System.Collections.Concurrent.ConcurrentBag<FileState>();
        var errors = new System.Collections.Concurrent.ConcurrentBag<ShareTransferError>();
        await Parallel.ForEachAsync(
            items,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.CopyConcurrency), CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                try
                {
                    var from = source.GetBlobClient(SharePaths.SourceBlob(share.Source, item.Path));
                    await CopyAsync(signSource(from), target.GetBlobClient(SharePaths.DestinationBlob(destination, item.Path)), item, ct);
                    copied.Add(new FileState(item.Path, item.ETag ?? string.Empty, item.Size));
                }
                catch (Exception e) when (e is RequestFailedException or InvalidDataException)
                {
                    Log.CopyFailed(_logger, reference.TransferId, item.Path, e.Message);
                    errors.Add(new ShareTransferError(item.Path, null, StorageErrors.Describe("Copying the file", e), _time.GetUtcNow().UtcDateTime));
                }
            });

        await _state.UpsertAsync(reference.StateKey, copied, cancellationToken);
        TransfersTelemetry.RecordMoved(TransfersTelemetry.Shares, reference.Tenant, files: copied.Count, bytes: copied.Sum(f => f.Size));
        return new CopyShareFileBatchResult(
            false,
            copied.Count,
            copied.Sum(f => f.Size),
            errors.Count,
            [.. errors.OrderBy(e => e.Path, StringComparer.Ordinal).Take(MaxReportedErrors)]);
    }

    private static async Task CopyAsync(Uri sourceUri, BlobClient to, FileWorkItem item, CancellationToken cancellationToken)
    {
        // Pinned to the listed version: the service refuses (412) a source changed since the diff, so what lands is the
        // version whose length and MD5 the verification below expects; the next check lists and copies the new one.
        var options = new BlobCopyFromUriOptions { SourceConditions = item.ETag is null ? null : new BlobRequestConditions { IfMatch = new ETag(item.ETag) } };
        if (item.Size <= MaxSyncCopyBytes)
        {
            // Copy Blob From URL: one request that returns when the copy is done, where Copy Blob needs polling.
            await to.SyncCopyFromUriAsync(sourceUri, options, cancellationToken);
        }
        else
        {
            var operation = await to.StartCopyFromUriAsync(sourceUri, options, cancellationToken);
            if (!operation.HasCompleted)
            {
                await operation.WaitForCompletionAsync(cancellationToken);
            }
        }

        BlobProperties copy = await to.GetPropertiesAsync(cancellationToken: cancellationToken);
        if (copy.ContentLength != item.Size)
        {
            throw new InvalidDataException($"The copy has {copy.ContentLength} bytes; the source listed {item.Size}. The source may have changed; the next check copies it again.");
        }

        if (item.Md5 is not null && (copy.ContentHash is null || Convert.ToBase64String(copy.ContentHash) != item.Md5))
        {
            throw new InvalidDataException("The MD5 of the copy differs from the one the source listed. The source may have changed; the next check copies it again.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Share transfer {TransferId}: copying {Path} failed: {Reason}")]
        public static partial void CopyFailed(ILogger logger, string transferId, string path, string reason);
    }
}
