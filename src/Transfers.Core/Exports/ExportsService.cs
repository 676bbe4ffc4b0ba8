using System.Buffers.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Transfers.Core.Application;
using Transfers.Core.DurableTask;
using Transfers.Core.Storage;

namespace Transfers.Core.Exports;

/// <summary>What a client asks of a new transfer, as parsed from its request.</summary>
/// <param name="FullRefresh">Whether every model starts again from the epoch.</param>
/// <param name="IsDebugMode">Whether the transfer keeps a debug log.</param>
/// <param name="Models">The models to export; every enabled model when empty.</param>
/// <param name="WindowStart">The window's start asked for, if any.</param>
/// <param name="WindowEnd">The window's end asked for, if any.</param>
/// <param name="Tags">The client's tags.</param>
public sealed record ExportTransferRequest(
    bool FullRefresh,
    bool IsDebugMode,
    IReadOnlyList<string> Models,
    DateTimeOffset? WindowStart,
    DateTimeOffset? WindowEnd,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>A transfer just submitted, and whether its orchestration is scheduled.</summary>
/// <param name="Transfer">The transfer as recorded.</param>
/// <param name="Scheduled">
/// <c>false</c> when scheduling failed and the transfer was ended in ERROR: the client should try again (the family
/// answers 503).
/// </param>
public sealed record ExportSubmission(ExportTransfer Transfer, bool Scheduled);

/// <summary>A transfer with its debug log; the log is empty unless the transfer ran in debug mode.</summary>
/// <param name="Transfer">The transfer.</param>
/// <param name="Entries">The log's entries.</param>
public sealed record ExportTransferLog(ExportTransfer Transfer, IReadOnlyList<ExportDebugLogEntry> Entries);

/// <summary>
/// The Exports family's use cases, without HTTP: models and destinations with the rules that tie them together (table
/// names a destination can hold, models it may name), transfers (window and tag rules, record then schedule, the
/// record ended when scheduling fails), tenant-bound page tokens and cancellation. Every method acts for one tenant
/// and sees nothing of another's.
/// </summary>
public sealed partial class ExportsService
{
    private const string InvalidCode = "invalid_request";
    private const int MaxPageTokenChars = 2048;

    private readonly ExportModelStore _models;
    private readonly ExportDestinationStore _destinations;
    private readonly ExportTransferStore _transfers;
    private readonly ExportDebugLog _debugLog;
    private readonly StorageAccessPolicy _storage;
    private readonly IDurableClient _durable;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="ExportsService"/> class.</summary>
    /// <param name="models">The models.</param>
    /// <param name="destinations">The destinations.</param>
    /// <param name="transfers">The transfers.</param>
    /// <param name="debugLog">The transfers' debug logs.</param>
    /// <param name="storage">Decides which storage a tenant may name.</param>
    /// <param name="durable">Schedules the transfers' orchestrations.</param>
    /// <param name="time">The clock that decides what "now" is for a transfer's window and every record's times.</param>
    public ExportsService(
        ExportModelStore models,
        ExportDestinationStore destinations,
        ExportTransferStore transfers,
        ExportDebugLog debugLog,
        StorageAccessPolicy storage,
        IDurableClient durable,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(transfers);
        ArgumentNullException.ThrowIfNull(debugLog);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(time);
        _models = models;
        _destinations = destinations;
        _transfers = transfers;
        _debugLog = debugLog;
        _storage = storage;
        _durable = durable;
        _time = time;
    }

    /// <summary>
    /// Defines a model, stamped with the current time: its own fields checked against the storage the tenant may read,
    /// and its name against the tables of every table or postgres destination of the tenant that would receive it.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="model">The model as asked for; its creation time is set here.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The model; invalid; or conflict when the name is taken or another model would write to the same tables.</returns>
    public async Task<ServiceResult<ExportModel>> CreateModelAsync(string tenant, ExportModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        model = model with { CreatedAt = _time.GetUtcNow() };
        var storage = await _storage.ForTenantAsync(tenant, cancellationToken);
        if (model.Validate(storage) is { } invalid)
        {
            return Invalid(invalid);
        }

        var destinations = await _destinations.ListAsync(tenant, cancellationToken);
        if (destinations.Where(d => d.IsEnabled(model.ModelName)).Select(d => d.TableNameProblem(model.ModelName, storage)).FirstOrDefault(p => p is not null) is { } badTable)
        {
            return Invalid(badTable);
        }

        return await _models.CreateAsync(tenant, model, cancellationToken) switch
        {
            null => ServiceResult.Ok(model),
            var same when same == model.ModelName => ServiceResult.Conflict($"A model named '{model.ModelName}' already exists."),
            var other => ServiceResult.Conflict(
                $"Model '{model.ModelName}' would write to the same destination tables as model '{other}': table names leave out underscores and ignore case."),
        };
    }

    /// <summary>Lists the tenant's models.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The models.</returns>
    public Task<IReadOnlyList<ExportModel>> ListModelsAsync(string tenant, CancellationToken cancellationToken = default) =>
        _models.ListAsync(tenant, cancellationToken);

    /// <summary>Gets one of the tenant's models.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="modelName">The model name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The model, or not found.</returns>
    public async Task<ServiceResult<ExportModel>> GetModelAsync(string tenant, string modelName, CancellationToken cancellationToken = default) =>
        await _models.GetAsync(tenant, modelName, cancellationToken) is { } model ? ServiceResult.Ok(model) : ModelNotFound(modelName);

    /// <summary>Deletes one of the tenant's models.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="modelName">The model name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Ok, or not found.</returns>
    public async Task<ServiceResult> DeleteModelAsync(string tenant, string modelName, CancellationToken cancellationToken = default) =>
        await _models.DeleteAsync(tenant, modelName, cancellationToken) ? ServiceResult.Ok() : ModelNotFound(modelName);

    /// <summary>Creates a destination with a new id, stamped with the current time, once it passes the checks of <see cref="UpdateDestinationAsync"/>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="destination">The destination as asked for; its id and times are set here.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The destination, or invalid.</returns>
    public async Task<ServiceResult<ExportDestination>> CreateDestinationAsync(string tenant, ExportDestination destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var now = _time.GetUtcNow();
        return await SaveDestinationAsync(
            tenant, destination with { Id = ExportDestination.NewId(), CreatedAt = now, UpdatedAt = now }, checkEnabledModels: true, cancellationToken);
    }

    /// <summary>Lists the tenant's destinations.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The destinations.</returns>
    public Task<IReadOnlyList<ExportDestination>> ListDestinationsAsync(string tenant, CancellationToken cancellationToken = default) =>
        _destinations.ListAsync(tenant, cancellationToken);

    /// <summary>Gets one of the tenant's destinations.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The destination, or not found.</returns>
    public async Task<ServiceResult<ExportDestination>> GetDestinationAsync(string tenant, string destinationId, CancellationToken cancellationToken = default) =>
        await _destinations.GetAsync(tenant, destinationId, cancellationToken) is { } destination ? ServiceResult.Ok(destination) : DestinationNotFound(destinationId);

    /// <summary>
    /// Saves a changed destination (read with <see cref="GetDestinationAsync"/>), stamped with the current time: its
    /// own fields checked against the storage the tenant may name, a table or postgres destination's table names for
    /// every model it would receive (those it enables, or every model of the tenant), and, when they changed, that its
    /// enabled models exist.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="destination">The destination with the changes.</param>
    /// <param name="enabledModelsChanged">Whether the change names the enabled models (they are then checked to exist).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The destination, or invalid.</returns>
    public Task<ServiceResult<ExportDestination>> UpdateDestinationAsync(
        string tenant, ExportDestination destination, bool enabledModelsChanged, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return SaveDestinationAsync(tenant, destination with { UpdatedAt = _time.GetUtcNow() }, enabledModelsChanged, cancellationToken);
    }

    /// <summary>Deletes one of the tenant's destinations.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Ok, or not found.</returns>
    public async Task<ServiceResult> DeleteDestinationAsync(string tenant, string destinationId, CancellationToken cancellationToken = default) =>
        await _destinations.DeleteAsync(tenant, destinationId, cancellationToken) ? ServiceResult.Ok() : DestinationNotFound(destinationId);

    /// <summary>
    /// Submits a transfer to a destination: checks the window (it ends no later than now, since a model's watermark
    /// moves to its end, and starts before its end), the tags and the models (known to the tenant, enabled for the
    /// destination); records the transfer PENDING, then schedules its orchestration. Should scheduling fail, the
    /// transfer is ended in ERROR unless an orchestration claimed it after all (a schedule whose outcome was unknown).
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="request">What the client asks.</param>
    /// <param name="cancellationToken">Cancels the checks; the record and the schedule, once begun, finish regardless.</param>
    /// <returns>The submission; invalid; or not found for an unknown destination.</returns>
    public async Task<ServiceResult<ExportSubmission>> SubmitTransferAsync(
        string tenant, string destinationId, ExportTransferRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var submittedAt = _time.GetUtcNow();

        // A model's watermark moves to the end of its window: an end past now would skip the rows written until then.
        if (request.WindowEnd > submittedAt)
        {
            return Invalid("end_transfer_window_at must not be in the future: rows written before it would never be exported.");
        }

        if (request.WindowStart is { } start && start >= (request.WindowEnd ?? submittedAt))
        {
            return Invalid("start_transfer_window_at must be before end_transfer_window_at (or before now when no end is given).");
        }

        if (request.Tags.Count > ExportLimits.MaxTags)
        {
            return Invalid($"tags may hold at most {ExportLimits.MaxTags} tags.");
        }

        if (request.Tags.FirstOrDefault(t => !TagPattern().IsMatch(t.Key) || !TagPattern().IsMatch(t.Value)) is { Key: not null } badTag)
        {
            return Invalid($"Tag '{badTag.Key}': keys and values must be 1-256 letters, digits, underscores or hyphens.");
        }

        List<string> models = [.. request.Models.Distinct(StringComparer.Ordinal)];
        if (models.Count > ExportLimits.MaxModelNames)
        {
            return Invalid($"models may list at most {ExportLimits.MaxModelNames} models.");
        }

        var destination = await _destinations.GetAsync(tenant, destinationId, cancellationToken);
        if (destination is null)
        {
            return DestinationNotFound(destinationId);
        }

        HashSet<string> known = models.Count == 0 ? [] : (await _models.ListNamesAsync(tenant, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var name in models)
        {
            if (!known.Contains(name))
            {
                return Invalid($"Unknown model '{name}'.");
            }

            if (!destination.IsEnabled(name))
            {
                return Invalid($"Model '{name}' is not enabled for this destination.");
            }
        }

        var transfer = new ExportTransfer
        {
            Id = ExportTransfer.NewId(submittedAt),
            DestinationId = destination.Id,
            Status = ExportStatus.Pending,
            FullRefresh = request.FullRefresh,
            IsDebugMode = request.IsDebugMode,
            Models = models,
            Tags = request.Tags,
            SubmittedAt = submittedAt,
        };

        // The transfer is queued before its orchestration exists. Should this request end in between, the transfer
        // stays PENDING without one; the next transfer to the destination ends it after OrphanedTransferTimeout.
        await _transfers.SubmitAsync(tenant, transfer, request.WindowStart, request.WindowEnd, cancellationToken);

        // The instance id is the transfer's: an earlier attempt to schedule it that got through is as good.
        var scheduled = await _durable.ScheduleOrUndoAsync(
            nameof(ExportTransferOrchestration),
            new ExportTransferInput(tenant, transfer.Id),
            ExportTransferOrchestration.InstanceId(transfer.Id),
            none => _transfers.EndUnclaimedAsync(tenant, transfer.Id, ExportStatus.Error, _time.GetUtcNow(), "The transfer could not be scheduled.", none),
            undoOn: e => e is RequestFailedException or InvalidOperationException or ArgumentException or TimeoutException or HttpRequestException,
            rethrow: false,
            CancellationToken.None);
        return ServiceResult.Ok(new ExportSubmission(transfer, scheduled));
    }

    /// <summary>
    /// Lists the tenant's transfers, newest first. The next page is named by a token that holds the storage
    /// continuation and the tenant it was issued to, so that a token this service never issued, or issued to another
    /// tenant, is refused rather than taken as a position that lists nothing.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="filter">The filters.</param>
    /// <param name="pageSize">The most transfers of the page.</param>
    /// <param name="pageToken">The token of a previous page's <see cref="ExportTransferPage.NextPageToken"/>, or <c>null</c> for the first page.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page with the next page's token, or invalid for a token that is not valid.</returns>
    public async Task<ServiceResult<ExportTransferPage>> ListTransfersAsync(
        string tenant, ExportTransferFilter filter, int pageSize, string? pageToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        string? continuation = null;
        if (pageToken is { Length: > 0 } && !TryReadPageToken(pageToken, tenant, out continuation))
        {
            return Invalid("page_token is not valid.");
        }

        ExportTransferPage page;
        try
        {
            page = await _transfers.ListAsync(tenant, filter, pageSize, continuation, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            // A continuation of ours that storage no longer takes.
            return Invalid("page_token is not valid.");
        }

        return ServiceResult.Ok(page with { NextPageToken = page.NextPageToken is { } next ? WritePageToken(tenant, next) : null });
    }

    /// <summary>Gets one of the tenant's transfers.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer, or not found.</returns>
    public async Task<ServiceResult<ExportTransfer>> GetTransferAsync(string tenant, string transferId, CancellationToken cancellationToken = default) =>
        await _transfers.GetAsync(tenant, transferId, cancellationToken) is { } transfer ? ServiceResult.Ok(transfer) : TransferNotFound(transferId);

    /// <summary>
    /// Cancels a transfer: one its orchestration has not picked up yet ends CANCELLED at once; a picked-up one is asked
    /// to stop between chunks.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What the cancel did (<see cref="ExportCancelOutcome.Cancelled"/> or <see cref="ExportCancelOutcome.Requested"/>); not found; or conflict when the transfer already ended.</returns>
    public async Task<ServiceResult<ExportCancelResult>> CancelTransferAsync(string tenant, string transferId, CancellationToken cancellationToken = default)
    {
        var result = await _transfers.CancelAsync(tenant, transferId, _time.GetUtcNow(), cancellationToken);
        return result.Outcome switch
        {
            ExportCancelOutcome.NotFound => TransferNotFound(transferId),
            ExportCancelOutcome.AlreadyEnded => ServiceResult.Conflict($"Transfer '{transferId}' already ended with status {result.Transfer!.Status}."),
            _ => ServiceResult.Ok(result),
        };
    }

    /// <summary>Gets a transfer with its debug log, which only a transfer run with <c>is_debug_mode</c> has.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer and its entries, or not found.</returns>
    public async Task<ServiceResult<ExportTransferLog>> GetTransferLogAsync(string tenant, string transferId, CancellationToken cancellationToken = default)
    {
        var transfer = await _transfers.GetAsync(tenant, transferId, cancellationToken);
        if (transfer is null)
        {
            return TransferNotFound(transferId);
        }

        var entries = transfer.IsDebugMode ? await _debugLog.ReadAsync(transferId, cancellationToken) : [];
        return ServiceResult.Ok(new ExportTransferLog(transfer, entries));
    }

    private static ServiceResult Invalid(string message) => ServiceResult.Invalid(InvalidCode, message);

    private static ServiceResult ModelNotFound(string modelName) => ServiceResult.NotFound($"Model '{modelName}' not found.");

    private static ServiceResult DestinationNotFound(string destinationId) => ServiceResult.NotFound($"Destination '{destinationId}' not found.");

    private static ServiceResult TransferNotFound(string transferId) => ServiceResult.NotFound($"Transfer '{transferId}' not found.");

    private static string WritePageToken(string tenant, string continuation) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new PageToken(tenant, continuation)));

    /// <summary>Reads a page token this service issued to the tenant.</summary>
    private static bool TryReadPageToken(string text, string tenant, out string? continuation)
    {
        continuation = null;
        if (text.Length > MaxPageTokenChars || !Base64Url.IsValid(text))
        {
            return false;
        }

        try
        {
            if (JsonSerializer.Deserialize<PageToken>(Base64Url.DecodeFromChars(text)) is { Tenant: var owner, Next: { Length: > 0 } next } && owner == tenant)
            {
                continuation = next;
            }
        }
        catch (JsonException)
        {
            // Not one of ours.
        }

        return continuation is not null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex TagPattern();

    private async Task<ServiceResult<ExportDestination>> SaveDestinationAsync(
        string tenant, ExportDestination destination, bool checkEnabledModels, CancellationToken cancellationToken)
    {
        if ((await ValidateAsync(tenant, destination, cancellationToken) ??
            (checkEnabledModels ? await UnknownModelAsync(tenant, destination, cancellationToken) : null)) is { } invalid)
        {
            return Invalid(invalid);
        }

        await _destinations.SaveAsync(tenant, destination, cancellationToken);
        return ServiceResult.Ok(destination);
    }

    /// <summary>
    /// Why a destination cannot be saved: its own fields, or a table or postgres destination that cannot receive one of
    /// the models it would receive (those it enables, or every model of the tenant).
    /// </summary>
    private async Task<string?> ValidateAsync(string tenant, ExportDestination destination, CancellationToken cancellationToken)
    {
        var storage = await _storage.ForTenantAsync(tenant, cancellationToken);
        if (destination.Validate(storage) is { } invalid)
        {
            return invalid;
        }

        if (destination.Vendor is not (ExportVendors.AzureTableStorage or ExportVendors.Postgres))
        {
            return null;
        }

        var models = destination.EnabledModels ?? await _models.ListNamesAsync(tenant, cancellationToken);
        return models.Select(m => destination.TableNameProblem(m, storage)).FirstOrDefault(p => p is not null);
    }

    /// <summary>The first name in <c>enabled_models</c> that is none of the tenant's models, as the error to answer.</summary>
    private async Task<string?> UnknownModelAsync(string tenant, ExportDestination destination, CancellationToken cancellationToken)
    {
        if (destination.EnabledModels is not { Count: > 0 } enabled)
        {
            return null;
        }

        var known = (await _models.ListNamesAsync(tenant, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        return enabled.FirstOrDefault(m => !known.Contains(m)) is { } unknown ? $"enabled_models: unknown model '{unknown}'." : null;
    }

    /// <summary>What a page token holds: the tenant it was issued to and the storage continuation.</summary>
    /// <param name="Tenant">The tenant.</param>
    /// <param name="Next">The continuation.</param>
    private sealed record PageToken(string Tenant, string Next);
}
