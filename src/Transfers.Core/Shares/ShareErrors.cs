using Transfers.Core.DurableTask;
using Transfers.Core.Storage;

namespace Transfers.Core.Shares;

/// <summary>The message of a check that failed as a whole, in the words of <c>errors[]</c>: what the failed activity was doing.</summary>
public static class ShareErrors
{
    /// <summary>Describes the failure of one of the file check's activities.</summary>
    /// <param name="activity">The name of the activity that failed.</param>
    /// <param name="failure">The recorded failure.</param>
    /// <returns>A one-line message.</returns>
    public static string Describe(string activity, TaskFailureDetails failure) => StorageErrors.Describe(
        activity switch
        {
            nameof(BeginFileSyncActivity) => "Preparing the destination container",
            nameof(DiffSourcePageActivity) => "Listing the source",
            nameof(PruneUnselectedActivity) => "Finding the files no longer selected",
            nameof(CopyFileBatchActivity) => "Copying a batch of files",
            nameof(DeleteFileBatchActivity) => "Deleting files from the destination",
            _ => "The check",
        },
        failure);
}
