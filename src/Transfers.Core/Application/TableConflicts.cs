using Azure;

namespace Transfers.Core.Application;

/// <summary>
/// Whether a table write lost a race, for every store that writes optimistically (an add that claims a row, an update
/// or delete conditional on the ETag it read). A batch's failure (<c>TableTransactionFailedException</c>) is one too.
/// </summary>
public static class TableConflicts
{
    /// <summary>Whether someone else wrote first: the row exists already (409) or changed since it was read (412).</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><c>true</c> for 409 and 412.</returns>
    public static bool IsLostWrite(RequestFailedException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Status is 409 or 412;
    }

    /// <summary>Whether someone else wrote first or deleted the row since it was read (404, 409, 412).</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><c>true</c> for 404, 409 and 412.</returns>
    public static bool IsLostOrGone(RequestFailedException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Status == 404 || IsLostWrite(exception);
    }
}
