using System.Buffers.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Microsoft.Extensions.Options;
using Transfers.Api.Auth;
using Transfers.Core.DurableTask;
using Transfers.Core.Exports;
using Transfers.Core.Storage;

namespace Transfers.Api.Exports;

/// <summary>What the Exports handlers need, bound with <c>[AsParameters]</c>.</summary>
/// <param name="Models">The model store.</param>
/// <param name="Destinations">The destination store.</param>
/// <param name="Transfers">The transfer store.</param>
/// <param name="DebugLog">The debug log.</param>
/// <param name="Storage">Decides which storage a tenant may name.</param>
/// <param name="Options">The Exports settings.</param>
/// <param name="Time">The clock that decides what "now" is for a transfer's window.</param>
/// <param name="Services">The request's services, for the durable client when the host runs an engine.</param>
public sealed record ExportsServices(
    ExportModelStore Models,
    ExportDestinationStore Destinations,
    ExportTransferStore Transfers,
    ExportDebugLog DebugLog,
    StorageAccessPolicy Storage,
    IOptionsMonitor<ExportsOptions> Options,
    TimeProvider Time,
    IServiceProvider Services);

/// <summary>
/// The Exports routes: models, destinations and transfers, all behind a tenant <c>X-API-KEY</c> and all answering in
/// the family's envelope. Handlers are public so that the Functions app's HTTP triggers call the same code.
/// </summary>
public static partial class ExportsApi
{
    private static readonly string[] s_modelFields = ["model_name", "source_table", "source_connection", "primary_key", "last_updated_at_column", "columns"];
    private static readonly string[] s_destinationFields = ["name", "vendor", "connection", "bucket_name", "table_prefix", "path_prefix", "schema", "format", "compression", "enabled_models"];
    private static readonly string[] s_transferFields = ["full_refresh", "is_debug_mode", "models", "start_transfer_window_at", "end_transfer_window_at", "tags"];

    /// <summary>Maps the Exports routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapExportsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup(string.Empty)
            .RequireTenantKey(_ => ExportsResults.Error(StatusCodes.Status401Unauthorized, $"A valid API key is required in the {ApiKeyAuthenticator.HeaderName} header."))
            .WithTags("Exports");
        group.MapPost("/models", CreateModelAsync);
        group.MapGet("/models", ListModelsAsync);
        group.MapGet("/models/{model_name}", GetModelAsync);
        group.MapDelete("/models/{model_name}", DeleteModelAsync);
        group.MapPost("/destinations", CreateDestinationAsync);
        group.MapGet("/destinations", ListDestinationsAsync);
        group.MapGet("/destinations/{destination_id}", GetDestinationAsync);
        group.MapPatch("/destinations/{destination_id}", UpdateDestinationAsync);
        group.MapDelete("/destinations/{destination_id}", DeleteDestinationAsync);
        group.MapPost("/destinations/{destination_id}/transfer", CreateTransferAsync);
        group.MapGet("/transfers", ListTransfersAsync);
        group.MapGet("/transfers/{transfer_id}", GetTransferAsync);
        group.MapPost("/transfers/{transfer_id}/cancel", CancelTransferAsync);
        group.MapGet("/transfers/{transfer_id}/logs", GetTransferLogsAsync);
        return group;
    }

    /// <summary><c>POST /models</c>: defines a model over a source table.</summary>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>
    /// 200 with the model; 400 for a bad body or a name that makes an invalid table name in one of the tenant's table
    /// or postgres destinations; 409 when the name is taken or another model would write to the same destination tables.
    /// </returns>
    public static async Task<IResult> CreateModelAsync(HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        var (body, error) = await JsonBody.ReadAsync(context.Request, s_modelFields, cancellationToken);
        if (body is null)
        {
            return ExportsResults.BadRequest(error!);
        }

        var model = new ExportModel(
            body.String("model_name", required: true) ?? string.Empty,
            body.String("source_table", required: true) ?? string.Empty,
            body.String("source_connection") ?? StorageConnections.DefaultName,
            body.StringArray("primary_key", required: true) ?? [],
            body.String("last_updated_at_column", required: true) ?? string.Empty,
            body.StringArray("columns") is { Count: > 0 } columns ? columns : null,
            DateTimeOffset.UtcNow);
        var tenant = Tenant(context);
        var storage = await services.Storage.ForTenantAsync(tenant, cancellationToken);
        if ((body.Error ?? model.Validate(storage)) is { } invalid)
        {
            return ExportsResults.BadRequest(invalid);
        }

        var destinations = await services.Destinations.ListAsync(tenant, cancellationToken);
        if (destinations.Where(d => d.IsEnabled(model.ModelName)).Select(d => d.TableNameProblem(model.ModelName, storage)).FirstOrDefault(p => p is not null) is { } badTable)
        {
            return ExportsResults.BadRequest(badTable);
        }

        return await services.Models.CreateAsync(tenant, model, cancellationToken) switch
        {
            null => ExportsResults.Success(model, "Model created."),
            var same when same == model.ModelName => ExportsResults.Error(StatusCodes.Status409Conflict, $"A model named '{model.ModelName}' already exists."),
            var other => ExportsResults.Error(
                StatusCodes.Status409Conflict,
                $"Model '{model.ModelName}' would write to the same destination tables as model '{other}': table names leave out underscores and ignore case."),
        };
    }

    /// <summary><c>GET /models</c>.</summary>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the tenant's models.</returns>
    public static async Task<IResult> ListModelsAsync(HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var models = await services.Models.ListAsync(Tenant(context), cancellationToken);
        return ExportsResults.Success(new { models }, $"{models.Count} model(s).");
    }

    /// <summary><c>GET /models/{model_name}</c>.</summary>
    /// <param name="modelName">The model name.</param>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the model, or 404.</returns>
    public static async Task<IResult> GetModelAsync(
        [FromRoute(Name = "model_name")] string modelName, HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var model = await services.Models.GetAsync(Tenant(context), modelName, cancellationToken);
        return model is null ? ModelNotFound(modelName) : ExportsResults.Success(model, "Model found.");
    }

    /// <summary><c>DELETE /models/{model_name}</c>.</summary>
    /// <param name="modelName">The model name.</param>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200, or 404.</returns>
    public static async Task<IResult> DeleteModelAsync(
        [FromRoute(Name = "model_name")] string modelName, HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        return await services.Models.DeleteAsync(Tenant(context), modelName, cancellationToken)
            ? ExportsResults.Success(new { model_name = modelName }, "Model deleted.")
            : ModelNotFound(modelName);
    }

    /// <summary><c>POST /destinations</c>.</summary>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the destination, or 400.</returns>
    public static async Task<IResult> CreateDestinationAsync(HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        var (body, error) = await JsonBody.ReadAsync(context.Request, s_destinationFields, cancellationToken);
        if (body is null)
        {
            return ExportsResults.BadRequest(error!);
        }

        var now = DateTimeOffset.UtcNow;
        var destination = new ExportDestination(
            ExportDestination.NewId(),
            body.String("name", required: true) ?? string.Empty,
            body.String("vendor", required: true) ?? string.Empty,
            body.String("connection") ?? StorageConnections.DefaultName,
            body.String("bucket_name"),
            body.String("table_prefix"),
            body.String("path_prefix"),
            body.String("schema"),
            body.String("format") ?? "jsonl",
            body.String("compression") ?? "gzip",
            body.StringArray("enabled_models"),
            now,
            now);
        var tenant = Tenant(context);
        if ((body.Error ?? await ValidateAsync(tenant, destination, services, cancellationToken) ??
            await UnknownModelAsync(tenant, destination, services, cancellationToken)) is { } invalid)
        {
            return ExportsResults.BadRequest(invalid);
        }

        await services.Destinations.SaveAsync(tenant, destination, cancellationToken);
        return ExportsResults.Success(destination, "Destination created.");
    }

    /// <summary><c>GET /destinations</c>.</summary>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the tenant's destinations.</returns>
    public static async Task<IResult> ListDestinationsAsync(HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var destinations = await services.Destinations.ListAsync(Tenant(context), cancellationToken);
        return ExportsResults.Success(new { destinations }, $"{destinations.Count} destination(s).");
    }

    /// <summary><c>GET /destinations/{destination_id}</c>.</summary>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the destination, or 404.</returns>
    public static async Task<IResult> GetDestinationAsync(
        [FromRoute(Name = "destination_id")] string destinationId, HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var destination = await services.Destinations.GetAsync(Tenant(context), destinationId, cancellationToken);
        return destination is null ? DestinationNotFound(destinationId) : ExportsResults.Success(destination, "Destination found.");
    }

    /// <summary><c>PATCH /destinations/{destination_id}</c>: changes the given fields; <c>null</c> clears an optional one.</summary>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the destination, 400, or 404.</returns>
    public static async Task<IResult> UpdateDestinationAsync(
        [FromRoute(Name = "destination_id")] string destinationId, HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        var tenant = Tenant(context);
        var current = await services.Destinations.GetAsync(tenant, destinationId, cancellationToken);
        if (current is null)
        {
            return DestinationNotFound(destinationId);
        }

        var (body, error) = await JsonBody.ReadAsync(context.Request, s_destinationFields, cancellationToken);
        if (body is null)
        {
            return ExportsResults.BadRequest(error!);
        }

        var updated = current with
        {
            Name = body.Has("name") ? body.String("name", required: true) ?? string.Empty : current.Name,
            Vendor = body.Has("vendor") ? body.String("vendor", required: true) ?? string.Empty : current.Vendor,
            Connection = body.Has("connection") ? body.String("connection") ?? StorageConnections.DefaultName : current.Connection,
            BucketName = body.Has("bucket_name") ? body.String("bucket_name") : current.BucketName,
            TablePrefix = body.Has("table_prefix") ? body.String("table_prefix") : current.TablePrefix,
            PathPrefix = body.Has("path_prefix") ? body.String("path_prefix") : current.PathPrefix,
            Schema = body.Has("schema") ? body.String("schema") : current.Schema,
            Format = body.Has("format") ? body.String("format") ?? "jsonl" : current.Format,
            Compression = body.Has("compression") ? body.String("compression") ?? "gzip" : current.Compression,
            EnabledModels = body.Has("enabled_models") ? body.StringArray("enabled_models") : current.EnabledModels,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        if ((body.Error ?? await ValidateAsync(tenant, updated, services, cancellationToken) ??
            (body.Has("enabled_models") ? await UnknownModelAsync(tenant, updated, services, cancellationToken) : null)) is { } invalid)
        {
            return ExportsResults.BadRequest(invalid);
        }

        await services.Destinations.SaveAsync(tenant, updated, cancellationToken);
        return ExportsResults.Success(updated, "Destination updated.");
    }

    /// <summary><c>DELETE /destinations/{destination_id}</c>.</summary>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200, or 404.</returns>
    public static async Task<IResult> DeleteDestinationAsync(
        [FromRoute(Name = "destination_id")] string destinationId, HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        return await services.Destinations.DeleteAsync(Tenant(context), destinationId, cancellationToken)
            ? ExportsResults.Success(new { id = destinationId }, "Destination deleted.")
            : DestinationNotFound(destinationId);
    }

    /// <summary><c>POST /destinations/{destination_id}/transfer</c>: enqueues a transfer, as in the seed.</summary>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with <c>transfer_id</c>; 400; 404 for an unknown destination; 503 when no engine runs or scheduling failed.</returns>
    public static async Task<IResult> CreateTransferAsync(
        [FromRoute(Name = "destination_id")] string destinationId, HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        var tenant = Tenant(context);
        var (body, error) = await JsonBody.ReadAsync(context.Request, s_transferFields, cancellationToken);
        if (body is null)
        {
            return ExportsResults.BadRequest(error!);
        }

        var fullRefresh = body.Boolean("full_refresh") ?? false;
        var isDebugMode = body.Boolean("is_debug_mode") ?? false;
        var models = body.StringArray("models") ?? [];
        var start = body.Timestamp("start_transfer_window_at");
        var end = body.Timestamp("end_transfer_window_at");
        var tags = body.StringMap("tags") ?? [];
        var submittedAt = services.Time.GetUtcNow();
        if (body.Error is { } invalid)
        {
            return ExportsResults.BadRequest(invalid);
        }

        // A model's watermark moves to the end of its window: an end past now would skip the rows written until then.
        if (end > submittedAt)
        {
            return ExportsResults.BadRequest("end_transfer_window_at must not be in the future: rows written before it would never be exported.");
        }

        if (start is not null && start >= (end ?? submittedAt))
        {
            return ExportsResults.BadRequest("start_transfer_window_at must be before end_transfer_window_at (or before now when no end is given).");
        }

        if (tags.Count > ExportLimits.MaxTags)
        {
            return ExportsResults.BadRequest($"tags may hold at most {ExportLimits.MaxTags} tags.");
        }

        if (tags.FirstOrDefault(t => !TagPattern().IsMatch(t.Key) || !TagPattern().IsMatch(t.Value)) is { Key: not null } badTag)
        {
            return ExportsResults.BadRequest($"Tag '{badTag.Key}': keys and values must be 1-256 letters, digits, underscores or hyphens.");
        }

        models = [.. models.Distinct(StringComparer.Ordinal)];
        if (models.Count > ExportLimits.MaxModelNames)
        {
            return ExportsResults.BadRequest($"models may list at most {ExportLimits.MaxModelNames} models.");
        }

        var destination = await services.Destinations.GetAsync(tenant, destinationId, cancellationToken);
        if (destination is null)
        {
            return DestinationNotFound(destinationId);
        }

        HashSet<string> known = models.Count == 0 ? [] : (await services.Models.ListNamesAsync(tenant, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var name in models)
        {
            if (!known.Contains(name))
            {
                return ExportsResults.BadRequest($"Unknown model '{name}'.");
            }

            if (!destination.IsEnabled(name))
            {
                return ExportsResults.BadRequest($"Model '{name}' is not enabled for this destination.");
            }
        }

        var client = services.Services.GetService<IDurableClient>();
        if (client is null)
        {
            return ExportsResults.Error(StatusCodes.Status503ServiceUnavailable, "This host runs no durable engine; transfers cannot run.");
        }

        var transfer = new ExportTransfer
        {
            Id = ExportTransfer.NewId(submittedAt),
            DestinationId = destination.Id,
            Status = ExportStatus.Pending,
            FullRefresh = fullRefresh,
            IsDebugMode = isDebugMode,
            Models = models,
            Tags = tags,
            SubmittedAt = submittedAt,
        };

        // The transfer is queued before its orchestration exists. Should this request end in between, the transfer
        // stays PENDING without one; the next transfer to the destination ends it after OrphanedTransferTimeout.
        await services.Transfers.SubmitAsync(tenant, transfer, start, end, cancellationToken);
        try
        {
            // The id is the transfer's: an earlier attempt to schedule it that got through is as good.
            await ExportTransferOrchestration.TryScheduleAsync(client, tenant, transfer.Id, CancellationToken.None);
        }
        catch (Exception ex) when (ex is RequestFailedException or InvalidOperationException or ArgumentException or TimeoutException or HttpRequestException)
        {
            // Ends the transfer unless an orchestration got it after all (a failure whose outcome is unknown).
            var ended = await services.Transfers.EndUnclaimedAsync(
                tenant, transfer.Id, ExportStatus.Error, DateTimeOffset.UtcNow, "The transfer could not be scheduled.", CancellationToken.None);
            if (ended)
            {
                return ExportsResults.Error(StatusCodes.Status503ServiceUnavailable, "The transfer could not be scheduled; try again.");
            }
        }

        return ExportsResults.Success(new { transfer_id = transfer.Id }, "Transfer enqueued.");
    }

    /// <summary><c>GET /transfers</c>: the tenant's transfers, newest first, filtered and paged.</summary>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with a page, or 400 for a bad filter.</returns>
    public static async Task<IResult> ListTransfersAsync(HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        var query = context.Request.Query;
        var maxPageSize = Math.Max(1, services.Options.CurrentValue.MaxPageSize);
        var pageSize = Math.Min(20, maxPageSize);
        if (query.TryGetValue("page_size", out var sizeText) && (!int.TryParse(sizeText, out pageSize) || pageSize < 1 || pageSize > maxPageSize))
        {
            return ExportsResults.BadRequest($"page_size must be an integer from 1 to {maxPageSize}.");
        }

        string? status = query["status"];
        if (status is not null && !ExportStatus.All.Contains(status))
        {
            return ExportsResults.BadRequest($"status must be one of {string.Join(", ", ExportStatus.All)}.");
        }

        DateTimeOffset? submittedAfter = null;
        if (query.TryGetValue("submitted_after", out var afterText))
        {
            if (!JsonBody.TryParseRfc3339(afterText, out var after))
            {
                return ExportsResults.BadRequest("submitted_after must be an RFC 3339 timestamp.");
            }

            submittedAfter = after;
        }

        var tenant = Tenant(context);
        string? token = null;
        if ((string?)query["page_token"] is { Length: > 0 } pageToken && !TryDecodeToken(pageToken, tenant, out token))
        {
            return ExportsResults.BadRequest("page_token is not valid.");
        }

        string? destinationId = query["destination_id"];
        ExportTransferPage page;
        try
        {
            page = await services.Transfers.ListAsync(tenant, new ExportTransferFilter(destinationId, status, submittedAfter), pageSize, token, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return ExportsResults.BadRequest("page_token is not valid.");
        }

        var next = page.NextPageToken is null ? null : Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new PageToken(tenant, page.NextPageToken)));
        return ExportsResults.Success(
            new { transfers = page.Transfers, has_next = next is not null, next_page_token = next },
            $"{page.Transfers.Count} transfer(s).");
    }

    /// <summary><c>GET /transfers/{transfer_id}</c>: status, window, progress and per-model metrics.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the transfer, or 404.</returns>
    public static async Task<IResult> GetTransferAsync(
        [FromRoute(Name = "transfer_id")] string transferId, HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var transfer = await services.Transfers.GetAsync(Tenant(context), transferId, cancellationToken);
        return transfer is null ? TransferNotFound(transferId) : ExportsResults.Success(transfer, "Transfer found.");
    }

    /// <summary>
    /// <c>POST /transfers/{transfer_id}/cancel</c>: a transfer its orchestration has not picked up yet ends CANCELLED at
    /// once; a picked-up one stops between chunks.
    /// </summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the transfer; 404; 409 when it already ended.</returns>
    public static async Task<IResult> CancelTransferAsync(
        [FromRoute(Name = "transfer_id")] string transferId, HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var result = await services.Transfers.CancelAsync(Tenant(context), transferId, DateTimeOffset.UtcNow, cancellationToken);
        return result.Outcome switch
        {
            ExportCancelOutcome.NotFound => TransferNotFound(transferId),
            ExportCancelOutcome.AlreadyEnded => ExportsResults.Error(StatusCodes.Status409Conflict, $"Transfer '{transferId}' already ended with status {result.Transfer!.Status}."),
            ExportCancelOutcome.Cancelled => ExportsResults.Success(result.Transfer, "Transfer cancelled."),
            _ => ExportsResults.Success(result.Transfer, "Cancellation requested; the transfer stops between chunks."),
        };
    }

    /// <summary><c>GET /transfers/{transfer_id}/logs</c>: the debug log of a transfer run with <c>is_debug_mode</c>.</summary>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the entries, or 404.</returns>
    public static async Task<IResult> GetTransferLogsAsync(
        [FromRoute(Name = "transfer_id")] string transferId, HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var transfer = await services.Transfers.GetAsync(Tenant(context), transferId, cancellationToken);
        if (transfer is null)
        {
            return TransferNotFound(transferId);
        }

        var entries = transfer.IsDebugMode ? await services.DebugLog.ReadAsync(transferId, cancellationToken) : [];
        return ExportsResults.Success(
            new { transfer_id = transferId, is_debug_mode = transfer.IsDebugMode, entries },
            transfer.IsDebugMode ? $"{entries.Count} log entries." : "The transfer was not run in debug mode; it has no debug log.");
    }

    private static string Tenant(HttpContext context) => CallerIdentity.Of(context).Tenant;

    /// <summary>The first name in <c>enabled_models</c> that is none of the tenant's models, as the error to answer.</summary>
    private static async Task<string?> UnknownModelAsync(string tenant, ExportDestination destination, ExportsServices services, CancellationToken cancellationToken)
    {
        if (destination.EnabledModels is not { Count: > 0 } enabled)
        {
            return null;
        }

        var known = (await services.Models.ListNamesAsync(tenant, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        return enabled.FirstOrDefault(m => !known.Contains(m)) is { } unknown ? $"enabled_models: unknown model '{unknown}'." : null;
    }

    /// <summary>
    /// Why a destination cannot be saved: its own fields, or a table or postgres destination that cannot receive one of
    /// the models it would receive (those it enables, or every model of the tenant).
    /// </summary>
    private static async Task<string?> ValidateAsync(string tenant, ExportDestination destination, ExportsServices services, CancellationToken cancellationToken)
    {
        var storage = await services.Storage.ForTenantAsync(tenant, cancellationToken);
        if (destination.Validate(storage) is { } invalid)
        {
            return invalid;
        }

        if (destination.Vendor is not (ExportVendors.AzureTableStorage or ExportVendors.Postgres))
        {
            return null;
        }

        var models = destination.EnabledModels ?? await services.Models.ListNamesAsync(tenant, cancellationToken);
        return models.Select(m => destination.TableNameProblem(m, storage)).FirstOrDefault(p => p is not null);
    }

    private static IResult ModelNotFound(string modelName) => ExportsResults.NotFound($"Model '{modelName}' not found.");

    private static IResult DestinationNotFound(string destinationId) => ExportsResults.NotFound($"Destination '{destinationId}' not found.");

    private static IResult TransferNotFound(string transferId) => ExportsResults.NotFound($"Transfer '{transferId}' not found.");

    /// <summary>
    /// Reads a <c>page_token</c> this service issued to the tenant: the storage continuation inside a record that names
    /// the tenant, so that a token it never issued (<c>{"a":1}</c>) or issued to another tenant is refused, not taken
    /// as a position that lists nothing.
    /// </summary>
    private static bool TryDecodeToken(string text, string tenant, out string? token)
    {
        token = null;
        if (text.Length > 2048 || !Base64Url.IsValid(text))
        {
            return false;
        }

        try
        {
            if (JsonSerializer.Deserialize<PageToken>(Base64Url.DecodeFromChars(text)) is { Tenant: var owner, Next: { Length: > 0 } next } && owner == tenant)
            {
                token = next;
            }
        }
        catch (JsonException)
        {
            // Not one of ours.
        }

        return token is not null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex TagPattern();

    /// <summary>What a <c>page_token</c> holds: the tenant it was issued to and the storage continuation.</summary>
    /// <param name="Tenant">The tenant.</param>
    /// <param name="Next">The continuation.</param>
    private sealed record PageToken(string Tenant, string Next);
}
