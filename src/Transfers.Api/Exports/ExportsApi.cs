using Microsoft.Extensions.Options;
using Transfers.Api.Auth;
using Transfers.Core.Exports;
using Transfers.Core.Storage;

namespace Transfers.Api.Exports;

/// <summary>What the Exports handlers need, bound with <c>[AsParameters]</c>.</summary>
/// <param name="Service">The family's use cases.</param>
/// <param name="Options">The family's settings (page sizes).</param>
public sealed record ExportsServices([FromServices] ExportsService Service, [FromServices] IOptionsMonitor<ExportsOptions> Options);

/// <summary>
/// The Exports routes: models, destinations and transfers, all behind a tenant <c>X-API-KEY</c> and all answering in
/// the family's envelope. Handlers parse, call <see cref="ExportsService"/> and map its result with
/// <see cref="ExportsResults"/>.
/// </summary>
public static class ExportsApi
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
        group.MapGet("/models", async (HttpContext c, [AsParameters] ExportsServices s, CancellationToken ct) =>
        {
            var models = await s.Service.ListModelsAsync(Tenant(c), ct);
            return ExportsResults.Success(ExportsViews.ModelList(models), $"{models.Count} model(s).");
        });
        group.MapGet("/models/{model_name}", async ([FromRoute(Name = "model_name")] string name, HttpContext c, [AsParameters] ExportsServices s, CancellationToken ct) =>
            ExportsResults.From(await s.Service.GetModelAsync(Tenant(c), name, ct), model => ExportsResults.Success(model, "Model found.")));
        group.MapDelete("/models/{model_name}", async ([FromRoute(Name = "model_name")] string name, HttpContext c, [AsParameters] ExportsServices s, CancellationToken ct) =>
            ExportsResults.From(await s.Service.DeleteModelAsync(Tenant(c), name, ct), () => ExportsResults.Success(ExportsViews.ModelDeleted(name), "Model deleted.")));
        group.MapPost("/destinations", CreateDestinationAsync);
        group.MapGet("/destinations", async (HttpContext c, [AsParameters] ExportsServices s, CancellationToken ct) =>
        {
            var destinations = await s.Service.ListDestinationsAsync(Tenant(c), ct);
            return ExportsResults.Success(ExportsViews.DestinationList(destinations), $"{destinations.Count} destination(s).");
        });
        group.MapGet("/destinations/{destination_id}", async ([FromRoute(Name = "destination_id")] string id, HttpContext c, [AsParameters] ExportsServices s, CancellationToken ct) =>
            ExportsResults.From(await s.Service.GetDestinationAsync(Tenant(c), id, ct), destination => ExportsResults.Success(destination, "Destination found.")));
        group.MapPatch("/destinations/{destination_id}", UpdateDestinationAsync);
        group.MapDelete("/destinations/{destination_id}", async ([FromRoute(Name = "destination_id")] string id, HttpContext c, [AsParameters] ExportsServices s, CancellationToken ct) =>
            ExportsResults.From(await s.Service.DeleteDestinationAsync(Tenant(c), id, ct), () => ExportsResults.Success(ExportsViews.DestinationDeleted(id), "Destination deleted.")));
        group.MapPost("/destinations/{destination_id}/transfer", CreateTransferAsync);
        group.MapGet("/transfers", ListTransfersAsync);
        group.MapGet("/transfers/{transfer_id}", async ([FromRoute(Name = "transfer_id")] string id, HttpContext c, [AsParameters] ExportsServices s, CancellationToken ct) =>
            ExportsResults.From(await s.Service.GetTransferAsync(Tenant(c), id, ct), transfer => ExportsResults.Success(transfer, "Transfer found.")));
        group.MapPost("/transfers/{transfer_id}/cancel", async ([FromRoute(Name = "transfer_id")] string id, HttpContext c, [AsParameters] ExportsServices s, CancellationToken ct) =>
            ExportsResults.From(await s.Service.CancelTransferAsync(Tenant(c), id, ct), cancel => ExportsResults.Success(
                cancel.Transfer, cancel.Outcome == ExportCancelOutcome.Cancelled ? "Transfer cancelled." : "Cancellation requested; the transfer stops between chunks.")));
        group.MapGet("/transfers/{transfer_id}/logs", async ([FromRoute(Name = "transfer_id")] string id, HttpContext c, [AsParameters] ExportsServices s, CancellationToken ct) =>
            ExportsResults.From(await s.Service.GetTransferLogAsync(Tenant(c), id, ct), log => ExportsResults.Success(
                ExportsViews.TransferLog(log), log.Transfer.IsDebugMode ? $"{log.Entries.Count} log entries." : "The transfer was not run in debug mode; it has no debug log.")));
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
        var (body, error) = await ExportsBody.ReadAsync(context.Request, s_modelFields, cancellationToken);
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
            default);
        return body.Error is { } invalid
            ? ExportsResults.BadRequest(invalid)
            : ExportsResults.From(await services.Service.CreateModelAsync(Tenant(context), model, cancellationToken), created => ExportsResults.Success(created, "Model created."));
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
        var (body, error) = await ExportsBody.ReadAsync(context.Request, s_destinationFields, cancellationToken);
        if (body is null)
        {
            return ExportsResults.BadRequest(error!);
        }

        var destination = new ExportDestination(
            string.Empty,
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
            default,
            default);
        return body.Error is { } invalid
            ? ExportsResults.BadRequest(invalid)
            : ExportsResults.From(await services.Service.CreateDestinationAsync(Tenant(context), destination, cancellationToken), created => ExportsResults.Success(created, "Destination created."));
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
        var found = await services.Service.GetDestinationAsync(tenant, destinationId, cancellationToken);
        if (found.Value is not { } current)
        {
            return ExportsResults.Failure(found.Status);
        }

        var (body, error) = await ExportsBody.ReadAsync(context.Request, s_destinationFields, cancellationToken);
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
        };
        return body.Error is { } invalid
            ? ExportsResults.BadRequest(invalid)
            : ExportsResults.From(
                await services.Service.UpdateDestinationAsync(tenant, updated, body.Has("enabled_models"), cancellationToken),
                saved => ExportsResults.Success(saved, "Destination updated."));
    }

    /// <summary><c>POST /destinations/{destination_id}/transfer</c>: enqueues a transfer, as in the seed.</summary>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="context">The request.</param>
    /// <param name="services">The services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with <c>transfer_id</c>; 400; 404 for an unknown destination; 503 when scheduling failed.</returns>
    public static async Task<IResult> CreateTransferAsync(
        [FromRoute(Name = "destination_id")] string destinationId, HttpContext context, [AsParameters] ExportsServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        var (body, error) = await ExportsBody.ReadAsync(context.Request, s_transferFields, cancellationToken);
        if (body is null)
        {
            return ExportsResults.BadRequest(error!);
        }

        var request = new ExportTransferRequest(
            body.Boolean("full_refresh") ?? false,
            body.Boolean("is_debug_mode") ?? false,
            body.StringArray("models") ?? [],
            body.Timestamp("start_transfer_window_at"),
            body.Timestamp("end_transfer_window_at"),
            body.StringMap("tags") ?? []);
        if (body.Error is { } invalid)
        {
            return ExportsResults.BadRequest(invalid);
        }

        var submitted = await services.Service.SubmitTransferAsync(Tenant(context), destinationId, request, cancellationToken);
        return ExportsResults.From(submitted, submission => submission.Scheduled
            ? ExportsResults.Success(ExportsViews.Enqueued(submission.Transfer), "Transfer enqueued.")
            : ExportsResults.Error(StatusCodes.Status503ServiceUnavailable, "The transfer could not be scheduled; try again."));
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
        if (!Paging.TryParsePageSize(query.TryGetValue("page_size", out var size) ? size.ToString() : null, Math.Min(20, maxPageSize), maxPageSize, out var pageSize))
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
            if (!ExportsBody.TryParseRfc3339(afterText, out var after))
            {
                return ExportsResults.BadRequest("submitted_after must be an RFC 3339 timestamp.");
            }

            submittedAfter = after;
        }

        var filter = new ExportTransferFilter(query["destination_id"], status, submittedAfter);
        var page = await services.Service.ListTransfersAsync(Tenant(context), filter, pageSize, query["page_token"], cancellationToken);
        return ExportsResults.From(page, found => ExportsResults.Success(ExportsViews.TransferPage(found), $"{found.Transfers.Count} transfer(s)."));
    }

    private static string Tenant(HttpContext context) => CallerIdentity.Of(context).Tenant;
}
