using Microsoft.Azure.Functions.Worker;
using Transfers.DurableTask;

namespace Transfers.Functions;

/// <summary>
/// One activity function (<see cref="FunctionAttribute"/> with an <see cref="ActivityTriggerAttribute"/> on its input and
/// the <see cref="FunctionContext"/>) per activity registered in Transfers.Core; all of them run through
/// <see cref="DurableTaskRunner.RunActivityAsync"/>.
/// </summary>
/// <remarks>
/// To add an activity registered as <c>"CopyFiles"</c> (tests/Transfers.Infra.Tests fails until it is here):
/// <code>
/// [Function("CopyFiles")]
/// public Task&lt;string?&gt; CopyFiles([ActivityTrigger] string? input, FunctionContext context) =&gt; runner.RunActivityAsync("CopyFiles", input, context);
/// </code>
/// The input is always a string: the orchestration side sends the <see cref="DurablePayload"/> text of the value.
/// </remarks>
/// <param name="runner">Runs the Core activity behind each function.</param>
public sealed class Activities(DurableTaskRunner runner)
{
    // Registered activities, one function each, grouped by family.

    // Shares
    [Function("BeginShareFileSyncActivity")]
    public Task<string?> BeginShareFileSyncActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("BeginShareFileSyncActivity", input, context);

    [Function("DiffShareSourcePageActivity")]
    public Task<string?> DiffShareSourcePageActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("DiffShareSourcePageActivity", input, context);

    [Function("CopyShareFileBatchActivity")]
    public Task<string?> CopyShareFileBatchActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("CopyShareFileBatchActivity", input, context);

    [Function("DeleteShareFileBatchActivity")]
    public Task<string?> DeleteShareFileBatchActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("DeleteShareFileBatchActivity", input, context);

    [Function("PruneUnselectedShareFilesActivity")]
    public Task<string?> PruneUnselectedShareFilesActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("PruneUnselectedShareFilesActivity", input, context);

    [Function("ReportShareFileSyncProgressActivity")]
    public Task<string?> ReportShareFileSyncProgressActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("ReportShareFileSyncProgressActivity", input, context);

    [Function("CompleteShareCheckActivity")]
    public Task<string?> CompleteShareCheckActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("CompleteShareCheckActivity", input, context);

    [Function("BeginShareTableSyncActivity")]
    public Task<string?> BeginShareTableSyncActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("BeginShareTableSyncActivity", input, context);

    [Function("LoadShareTableChunkActivity")]
    public Task<string?> LoadShareTableChunkActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("LoadShareTableChunkActivity", input, context);

    // Exports
    [Function("CheckExportTurnActivity")]
    public Task<string?> CheckExportTurnActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("CheckExportTurnActivity", input, context);

    [Function("StartExportActivity")]
    public Task<string?> StartExportActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("StartExportActivity", input, context);

    [Function("ExportChunkActivity")]
    public Task<string?> ExportChunkActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("ExportChunkActivity", input, context);

    [Function("WriteExportManifestActivity")]
    public Task<string?> WriteExportManifestActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("WriteExportManifestActivity", input, context);

    [Function("RecordExportModelResultActivity")]
    public Task<string?> RecordExportModelResultActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("RecordExportModelResultActivity", input, context);

    [Function("FinishExportActivity")]
    public Task<string?> FinishExportActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("FinishExportActivity", input, context);

    // Ownership
    [Function("ExpireOwnershipInviteActivity")]
    public Task<string?> ExpireOwnershipInviteActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("ExpireOwnershipInviteActivity", input, context);

    [Function("StartOwnershipTransferActivity")]
    public Task<string?> StartOwnershipTransferActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("StartOwnershipTransferActivity", input, context);

    [Function("PlanOwnershipMovesActivity")]
    public Task<string?> PlanOwnershipMovesActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("PlanOwnershipMovesActivity", input, context);

    [Function("MoveOwnershipChunkActivity")]
    public Task<string?> MoveOwnershipChunkActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("MoveOwnershipChunkActivity", input, context);

    [Function("CompleteOwnershipTransferActivity")]
    public Task<string?> CompleteOwnershipTransferActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("CompleteOwnershipTransferActivity", input, context);

    [Function("ReleaseOwnershipLocksActivity")]
    public Task<string?> ReleaseOwnershipLocksActivity([ActivityTrigger] string? input, FunctionContext context) => runner.RunActivityAsync("ReleaseOwnershipLocksActivity", input, context);
}
