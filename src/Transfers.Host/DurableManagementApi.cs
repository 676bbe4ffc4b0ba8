using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Extensions;
using Transfers.Api;
using Transfers.Api.Auth;
using Transfers.Core.DurableTask;

namespace Transfers.Host;

/// <summary>
/// The Durable Functions management HTTP API (<c>/runtime/webhooks/durabletask/instances</c>) over the durable port (either backend),
/// with the same routes, query parameters, status codes and JSON field names, so tools written for Durable Functions
/// work against the local host. Guarded by the admin key, which clients may send as Durable Functions clients send
/// their key (the <c>code</c> query parameter or the <c>x-functions-key</c> header) or in <c>X-API-KEY</c>.
/// </summary>
public static class DurableManagementApi
{
    private const string ContinuationHeader = "x-ms-continuation-token";
    private const string FunctionsKeyHeader = "x-functions-key";
    private const string FunctionsKeyParameter = "code";

    /// <summary>Maps the management routes.</summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>The route group.</returns>
    public static RouteGroupBuilder MapDurableManagementApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/runtime/webhooks/durabletask/instances").RequireAdminKey(
            request => [request.Headers[ApiKeyAuthenticator.HeaderName], request.Headers[FunctionsKeyHeader], request.Query[FunctionsKeyParameter]],
            _ => Problems.Unauthorized(
                $"A valid admin key is required in the {FunctionsKeyParameter} query parameter or the {FunctionsKeyHeader} or {ApiKeyAuthenticator.HeaderName} header."));
        group.MapGet("/", ListAsync);
        group.MapDelete("/", PurgeByFilterAsync);
        group.MapGet("/{instanceId}", GetAsync);
        group.MapPost("/{instanceId}/raiseEvent/{eventName}", RaiseEventAsync);
        group.MapPost("/{instanceId}/terminate", (string instanceId, string? reason, IDurableClient client, CancellationToken ct) =>
            ControlAsync(client, instanceId, () => client.TerminateInstanceAsync(instanceId, reason, ct), ct));
        group.MapPost("/{instanceId}/suspend", (string instanceId, string? reason, IDurableClient client, CancellationToken ct) =>
            ControlAsync(client, instanceId, () => client.SuspendInstanceAsync(instanceId, reason, ct), ct));
        group.MapPost("/{instanceId}/resume", (string instanceId, string? reason, IDurableClient client, CancellationToken ct) =>
            ControlAsync(client, instanceId, () => client.ResumeInstanceAsync(instanceId, reason, ct), ct));
        group.MapDelete("/{instanceId}", PurgeAsync);
        return group;
    }

    private static async Task<IResult> ListAsync(HttpContext http, IDurableClient client, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        if (!TryStatuses(query, out var statuses, out var unknown))
        {
            return unknown;
        }

        if (!TryDate(query["createdTimeFrom"], out var from) || !TryDate(query["createdTimeTo"], out var to))
        {
            return Results.BadRequest("createdTimeFrom and createdTimeTo must be ISO 8601 times.");
        }

        var top = 100;
        if (query["top"] is { Count: > 0 } topText && (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1))
        {
            return Results.BadRequest("top must be a whole number of at least 1.");
        }

        var showInput = !bool.TryParse(query["showInput"], out var show) || show;
        var page = await client.QueryInstancesAsync(
            new OrchestrationQuery
            {
                Statuses = statuses,
                CreatedFrom = from,
                CreatedTo = to,
                InstanceIdPrefix = query["instanceIdPrefix"],
                PageSize = top,
                ContinuationToken = http.Request.Headers[ContinuationHeader] is { Count: > 0 } token ? token.ToString() : null,
                FetchInputsAndOutputs = true,
            },
            cancellationToken);
        if (page.ContinuationToken is { } next)
        {
            http.Response.Headers[ContinuationHeader] = next;
        }

        var array = new JsonArray([.. page.Instances.Select(m => (JsonNode)ToJson(m, showInput))]);
        return Json(array, StatusCodes.Status200OK);
    }

    /// <summary>
    /// Purges the finished instances created in [<c>createdTimeFrom</c>, <c>createdTimeTo</c>] (which defaults to now)
    /// with one of the <c>runtimeStatus</c> values (comma-separated; every finished status when absent), as Durable
    /// Functions' "purge multiple instance histories": 200 with the count, 404 when none matched, 400 without
    /// <c>createdTimeFrom</c>.
    /// </summary>
    private static async Task<IResult> PurgeByFilterAsync(HttpContext http, IDurableClient client, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        if (!TryDate(query["createdTimeFrom"], out var from) || from is null)
        {
            return Results.BadRequest("Please provide value for 'createdTimeFrom' parameter.");
        }

        if (!TryDate(query["createdTimeTo"], out var to))
        {
            return Results.BadRequest("createdTimeTo must be an ISO 8601 time.");
        }

        if (!TryStatuses(query, out var statuses, out var unknown))
        {
            return unknown;
        }

        var deleted = await client.PurgeInstancesAsync(new PurgeInstancesFilter(from, to ?? DateTimeOffset.UtcNow, statuses), cancellationToken);
        return deleted == 0 ? Results.NotFound() : Json(new JsonObject { ["instancesDeleted"] = deleted }, StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetAsync(
        string instanceId,
        bool? showHistory,
        bool? showHistoryOutput,
        bool? showInput,
        bool? returnInternalServerErrorOnFailure,
        HttpContext http,
        IDurableClient client,
        IDurableHistory history,
        CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken) is not { } metadata)
        {
            return Results.NotFound();
        }

        var body = ToJson(metadata, showInput ?? true);
        if (showHistory == true)
        {
            body["historyEvents"] = ToJson(await history.GetHistoryAsync(instanceId, cancellationToken), showHistoryOutput == true);
        }

        var status = metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.ContinuedAsNew or OrchestrationRuntimeStatus.Suspended => StatusCodes.Status202Accepted,
            OrchestrationRuntimeStatus.Failed when returnInternalServerErrorOnFailure == true => StatusCodes.Status500InternalServerError,
            _ => StatusCodes.Status200OK,
        };
        if (status == StatusCodes.Status202Accepted)
        {
            // As Durable Functions: poll here again, and not in a tight loop.
            http.Response.Headers.Location = http.Request.GetEncodedUrl();
            http.Response.Headers.RetryAfter = "5";
        }

        return Json(body, status);
    }

    private static async Task<IResult> RaiseEventAsync(string instanceId, string eventName, HttpRequest request, IDurableClient client, CancellationToken cancellationToken)
    {
        JsonElement? payload = null;
        if (request.ContentLength is not 0)
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                payload = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return Results.BadRequest("The request body must be JSON.");
            }
        }

        return await ControlAsync(client, instanceId, () => client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken), cancellationToken);
    }

    private static async Task<IResult> ControlAsync(IDurableClient client, string instanceId, Func<Task> send, CancellationToken cancellationToken)
    {
        var (metadata, refusal) = await FindAsync(client, instanceId, cancellationToken);
        if (metadata is null)
        {
            return refusal!;
        }

        if (metadata.IsCompleted)
        {
            return Results.StatusCode(StatusCodes.Status410Gone);
        }

        await send();
        return Results.Accepted();
    }

    private static async Task<IResult> PurgeAsync(string instanceId, IDurableClient client, CancellationToken cancellationToken)
    {
        var (metadata, refusal) = await FindAsync(client, instanceId, cancellationToken);
        if (metadata is null)
        {
            return refusal!;
        }

        // As Durable Functions: an instance that may still change is not purged from under its orchestration.
        if (!metadata.IsCompleted)
        {
            return Json(
                JsonValue.Create($"Instance '{instanceId}' is {metadata.RuntimeStatus}: only finished instances (Completed, Failed, Terminated) can be purged; terminate it first.")!,
                StatusCodes.Status412PreconditionFailed);
        }

        var deleted = await client.PurgeInstanceAsync(instanceId, cancellationToken);
        return deleted == 0 ? Results.NotFound() : Json(new JsonObject { ["instancesDeleted"] = deleted }, StatusCodes.Status200OK);
    }

    /// <summary>The instance an id names, or the answer when there is none: 400 for an invalid id, 404 for an unknown one.</summary>
    private static async Task<(OrchestrationMetadata? Metadata, IResult? Refusal)> FindAsync(IDurableClient client, string instanceId, CancellationToken cancellationToken)
    {
        if (!InstanceIds.TryValidate(instanceId, out var error))
        {
            return (null, Results.BadRequest(error));
        }

        return await client.GetInstanceAsync(instanceId, cancellationToken: cancellationToken) is { } metadata
            ? (metadata, null)
            : (null, Results.NotFound());
    }

    private static JsonObject ToJson(OrchestrationMetadata metadata, bool showInput)
    {
        var output = metadata.RuntimeStatus == OrchestrationRuntimeStatus.Failed && metadata.FailureDetails is { } failure
            ? JsonValue.Create(failure.ErrorMessage)
            : Parse(metadata.SerializedOutput);
        return new JsonObject
        {
            ["name"] = metadata.Name,
            ["instanceId"] = metadata.InstanceId,
            ["runtimeStatus"] = metadata.RuntimeStatus.ToString(),
            ["input"] = showInput ? Parse(metadata.SerializedInput) : null,
            ["customStatus"] = Parse(metadata.SerializedCustomStatus),
            ["output"] = output,
            ["createdTime"] = Time(metadata.CreatedAt),
            ["lastUpdatedTime"] = Time(metadata.LastUpdatedAt),
        };
    }

    private static JsonArray ToJson(IReadOnlyList<DurableHistoryEvent> events, bool showOutput)
    {
        // As Durable Functions shows it: replay markers and scheduling events are folded into the events that end them.
        var scheduled = events.Where(e => e.EventType is "TaskScheduled" or "SubOrchestrationInstanceCreated" or "TimerCreated").GroupBy(e => e.TaskId).ToDictionary(g => g.Key, g => g.First());
        var array = new JsonArray();
        foreach (var e in events.Where(e => e.EventType is not ("OrchestratorStarted" or "TaskScheduled" or "SubOrchestrationInstanceCreated")))
        {
            var item = new JsonObject { ["EventType"] = e.EventType };
            var origin = scheduled.GetValueOrDefault(e.TaskId);
            if ((e.Name ?? origin?.Name) is { } name && e.EventType != "TimerCreated" && e.EventType != "TimerFired")
            {
                item["FunctionName"] = name;
            }

            if (origin is not null && e.EventType != "TimerCreated")
            {
                item["ScheduledTime"] = Time(origin.Timestamp);
            }

            if (e.EventType is "TimerCreated" or "TimerFired" && (origin ?? e).Data is { } fireAt)
            {
                item["FireAt"] = fireAt;
            }

            if (showOutput && e.EventType is "TaskCompleted" or "SubOrchestrationInstanceCompleted" or "ExecutionCompleted" or "EventRaised" or "TaskFailed" or "SubOrchestrationInstanceFailed" or "ExecutionFailed")
            {
                item["Result"] = Parse(e.Data);
            }

            item["Timestamp"] = Time(e.Timestamp);
            array.Add(item);
        }

        return array;
    }

    private static JsonNode? Parse(string? json) => string.IsNullOrEmpty(json) ? null : JsonNode.Parse(json);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture);

    /// <summary>The <c>runtimeStatus</c> values, comma-separated or repeated; an unknown one is a 400 naming it.</summary>
    private static bool TryStatuses(IQueryCollection query, out List<OrchestrationRuntimeStatus> statuses, out IResult unknown)
    {
        statuses = [];
        unknown = Results.Empty;
        foreach (var value in query["runtimeStatus"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Enum.TryParse<OrchestrationRuntimeStatus>(value, ignoreCase: true, out var status))
            {
                unknown = Results.BadRequest($"Unknown runtimeStatus '{value}'.");
                return false;
            }

            statuses.Add(status);
        }

        return true;
    }

    private static bool TryDate(string? value, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    private static IResult Json(JsonNode body, int status) =>
        Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);
}
