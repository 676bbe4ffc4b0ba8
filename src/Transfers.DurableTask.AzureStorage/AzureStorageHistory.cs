using System.Text.Json;
using DurableTask.Core.History;
using Transfers.Core.DurableTask;

namespace Transfers.DurableTask.AzureStorage;

/// <summary>
/// Reads an instance's history from the hub's <c>{hub}History</c> table through the provider, for the management API:
/// each Durable Task history event as the port's <see cref="DurableHistoryEvent"/>, its result, payload or failure as
/// <see cref="DurableHistoryEvent.Data"/>, and the id that links a result to what scheduled it as
/// <see cref="DurableHistoryEvent.TaskId"/>.
/// </summary>
/// <param name="engine">The process's engine.</param>
public sealed class AzureStorageHistory(DurableTaskEngine engine) : IDurableHistory
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<DurableHistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        InstanceIds.Validate(instanceId);
        var states = await engine.Service.GetOrchestrationStateAsync(instanceId, allExecutions: false);
        if (states is not [{ OrchestrationInstance.ExecutionId: { } executionId }, ..])
        {
            return [];
        }

        // The provider hands the events out as JSON: EventType as a number, the other fields by their property names.
        var json = await engine.Service.GetOrchestrationHistoryAsync(instanceId, executionId);
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(ToPort)];
    }

    private static DurableHistoryEvent ToPort(JsonElement e)
    {
        var type = e.TryGetProperty("EventType", out var t) && t.ValueKind == JsonValueKind.Number ? ((EventType)t.GetInt32()).ToString() : t.ToString();
        var taskId = Int(e, "TaskScheduledId") ?? Int(e, "TimerId") ?? (type is "TaskScheduled" or "TimerCreated" or "SubOrchestrationInstanceCreated" ? Int(e, "EventId") : null) ?? -1;
        // Results and payloads are the DurablePayload strings the adapters wrote, serialized once more by Durable Task.
        var data = DurablePayload.Normalize(Text(e, "Result") ?? Text(e, "Input")) ?? Text(e, "FireAt") ?? Text(e, "Details") ?? Text(e, "Reason");
        var timestamp = e.TryGetProperty("Timestamp", out var ts) && ts.TryGetDateTimeOffset(out var at) ? at : DateTimeOffset.UnixEpoch;
        return new DurableHistoryEvent(type, timestamp, taskId, Text(e, "Name"), data);
    }

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;
}
