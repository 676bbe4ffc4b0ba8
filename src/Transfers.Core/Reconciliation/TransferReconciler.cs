using System.Text.Json;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Telemetry;

namespace Transfers.Core.Reconciliation;

/// <summary>What a pass of the reconciler did.</summary>
/// <param name="Checked">Active records whose orchestration it read.</param>
/// <param name="Repaired">Records it repaired.</param>
/// <param name="Skipped">Records it left because they changed since they were listed, or could not be read.</param>
public sealed record ReconcileReport(int Checked, int Repaired, int Skipped);

/// <summary>
/// Brings records and orchestrations into agreement, over every family: for each record in an active state it reads
/// its orchestration's status and schedules a missing orchestration again, marks the record failed when its
/// orchestration was terminated or failed, and ends it from the output of an orchestration that completed. Records
/// changed within <see cref="ReconcileOptions.Grace"/> are left alone; every write is guarded by the version listed, so
/// several processes may run passes at once. Hosts call <see cref="ReconcileOnceAsync"/> every
/// <see cref="ReconcileOptions.Interval"/>.
/// </summary>
public sealed class TransferReconciler
{
    private readonly IReadOnlyList<FamilyReconciler> _families;
    private readonly IOptionsMonitor<ReconcileOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TransferReconciler> _logger;
    private DateTimeOffset? _lastPass;

    /// <summary>Initializes a new instance of the <see cref="TransferReconciler"/> class.</summary>
    /// <param name="families">Every family's part.</param>
    /// <param name="options">The settings.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public TransferReconciler(IEnumerable<FamilyReconciler> families, IOptionsMonitor<ReconcileOptions> options, TimeProvider time, ILogger<TransferReconciler> logger)
    {
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _families = [.. families];
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Runs a pass every <see cref="ReconcileOptions.Interval"/> (the first one interval after the start) until
    /// cancelled, unless <see cref="ReconcileOptions.Enabled"/> is off; a pass that fails is logged and the next one
    /// runs as planned. The local host runs this as a hosted service.
    /// </summary>
    /// <param name="durable">The durable client of the host.</param>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <returns>A task that completes when cancelled.</returns>
    public async Task RunAsync(IDurableClient durable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(durable);
        while (_options.CurrentValue is { Enabled: true } settings)
        {
            try
            {
                await Task.Delay(settings.Interval, _time, cancellationToken);
                await ReconcileOnceAsync(durable, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.PassFailed(_logger, e, settings.Interval);
            }
        }
    }

    /// <summary>
    /// Runs a pass if <see cref="ReconcileOptions.Interval"/> has passed since this process's last one (and the
    /// reconciler is enabled): for hosts whose timer cannot follow the setting, such as the Functions app's timer
    /// trigger, which fires more often.
    /// </summary>
    /// <param name="durable">The durable client of the host.</param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>What the pass did, or <c>null</c> when none was due.</returns>
    public async Task<ReconcileReport?> ReconcileIfDueAsync(IDurableClient durable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var settings = _options.CurrentValue;
        var now = _time.GetUtcNow();
        if (!settings.Enabled || now - _lastPass < settings.Interval)
        {
            return null;
        }

        _lastPass = now;
        return await ReconcileOnceAsync(durable, cancellationToken);
    }

    /// <summary>Runs one pass over every family.</summary>
    /// <param name="durable">The durable client of the host running the pass.</param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>What the pass did.</returns>
    public async Task<ReconcileReport> ReconcileOnceAsync(IDurableClient durable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var settings = _options.CurrentValue;
        var settledBefore = _time.GetUtcNow() - settings.Grace;
        int checkedCount = 0, repaired = 0, skipped = 0;
        foreach (var family in _families)
        {
            await foreach (var page in family.ListActiveAsync(Math.Clamp(settings.PageSize, 1, 1000), cancellationToken))
            {
                foreach (var record in page.Where(r => r.ChangedAt <= settledBefore))
                {
                    checkedCount++;
                    var instanceId = family.InstanceId(record);
                    try
                    {
                        if (await RepairAsync(durable, family, record, instanceId, cancellationToken) is { } repair)
                        {
                            if (repair.Done)
                            {
                                repaired++;
                                TransfersTelemetry.RecordRepair(family.Family, repair.Action);
                                Log.Repaired(_logger, family.Family, instanceId, repair.Action, repair.What);
                            }
                            else
                            {
                                skipped++;
                                Log.Changed(_logger, family.Family, instanceId, repair.Action);
                            }
                        }
                    }
                    catch (Exception e) when (e is RequestFailedException or InvalidOperationException or JsonException)
                    {
                        // One record that cannot be read or repaired now does not hold up the others; the next pass retries.
                        skipped++;
                        Log.RepairFailed(_logger, e, family.Family, instanceId);
                    }
                }
            }
        }

        return new ReconcileReport(checkedCount, repaired, skipped);
    }

    /// <summary>What happened to an orchestration that ended while its record is active, as a sentence for users.</summary>
    /// <param name="instance">The terminated or failed instance, read with its output.</param>
    /// <returns>The sentence.</returns>
    public static string DescribeEnd(OrchestrationMetadata instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Failed)
        {
            return $"Its orchestration failed: {instance.FailureDetails?.ErrorMessage ?? "no details were recorded"}.";
        }

        return Reason(instance.SerializedOutput) is { Length: > 0 } reason
            ? $"Its orchestration was terminated (reason: {reason})."
            : "Its orchestration was terminated (no reason given).";
    }

    /// <summary>The repair a record needs, and whether it was made; <c>null</c> when its orchestration runs.</summary>
    private static async Task<(string Action, string What, bool Done)?> RepairAsync(
        IDurableClient durable, FamilyReconciler family, ActiveRecord record, string instanceId, CancellationToken cancellationToken)
    {
        var instance = await durable.GetInstanceAsync(instanceId, cancellationToken: cancellationToken);
        if (instance is null)
        {
            // A schedule that raced this one (a start, or another process's pass) wins without harm: TryScheduleAsync.
            return await family.RescheduleAsync(durable, record, cancellationToken)
                ? ("rescheduled", "no orchestration was running; scheduled it again.", true)
                : null;
        }

        if (instance.IsRunning)
        {
            return null;
        }

        // Ended: read it again with its output, which names the reason of a termination or the result.
        instance = await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken) ?? instance;
        if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
        {
            return ("finished", $"its orchestration completed with {instance.SerializedOutput ?? "no output"}.", await family.FinishAsync(record, instance, cancellationToken));
        }

        var what = DescribeEnd(instance);
        return ("failed", what, await family.FailAsync(record, what, cancellationToken));
    }

    /// <summary>A termination's reason: the output as text when it is a JSON string, else the JSON itself.</summary>
    private static string? Reason(string? output)
    {
        if (string.IsNullOrEmpty(output))
        {
            return null;
        }

        using var document = JsonDocument.Parse(output);
        return document.RootElement.ValueKind switch
        {
            JsonValueKind.String => document.RootElement.GetString(),
            JsonValueKind.Null => null,
            _ => output,
        };
    }
}
