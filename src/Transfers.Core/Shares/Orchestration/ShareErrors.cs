using Transfers.Core.DurableTask;
using Transfers.Core.Storage;

namespace Transfers.Core.Shares;

/// <summary>The message of a file or table check that failed as a whole: what the failed activity was doing.</summary>
public static class ShareErrors
{
    /// <summary>Describes the failure of one of a check's activities.</summary>
    /// <param name="activity">The name of the activity that failed.</param>
    /// <param name="failure">The recorded failure.</param>
    /// <returns>A one-line message.</returns>
    public static string Describe(string activity, TaskFailureDetails failure) => StorageErrors.Describe(
        activity switch
        {
            nameof(BeginShareFileSyncActivity) => "Preparing the destination container",
            nameof(DiffShareSourcePageActivity) => "Listing the source",
            nameof(PruneUnselectedShareFilesActivity) => "Finding the files no longer selected",
            nameof(CopyShareFileBatchActivity) => "Copying a batch of files",
            nameof(DeleteShareFileBatchActivity) => "Deleting files from the destination",
            nameof(BeginShareTableSyncActivity) => "Preparing the table check",
            nameof(LoadShareTableChunkActivity) => "Loading a table",
            _ => "The check",
        },
        failure);
}
