using System.Text.RegularExpressions;
using Azure;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Shares;

/// <summary>
/// The messages of <c>errors[]</c>: what failed and, for a storage error, the status and error code the service answered.
/// Never the storage SDK's full text, which goes on with the response content and headers (request ids, server names).
/// </summary>
public static partial class ShareErrors
{
    private const int MaxMessageLength = 300;

    /// <summary>
    /// The message of a caught exception: a storage error, also one that a wrapper carries (a reader's channel closed by
    /// it), says what failed with the status and error code; any other error its first line.
    /// </summary>
    /// <param name="what">What was being done, e.g. "Copying the file".</param>
    /// <param name="exception">The exception.</param>
    /// <returns>A one-line message.</returns>
    public static string Describe(string what, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is RequestFailedException storage)
            {
                return Storage(what, storage.Status, storage.ErrorCode);
            }
        }

        return FirstLine(exception.Message);
    }

    /// <summary>
    /// The message of an activity that failed a whole check, from the failure the engine recorded. A storage error keeps
    /// only the <c>Status:</c> and <c>ErrorCode:</c> lines of the SDK's text; any other error its first line, which our
    /// own exceptions write as one sentence.
    /// </summary>
    /// <param name="activity">The name of the activity that failed.</param>
    /// <param name="failure">The recorded failure.</param>
    /// <returns>A one-line message.</returns>
    public static string Describe(string activity, TaskFailureDetails failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (failure.ErrorType == typeof(RequestFailedException).FullName)
        {
            var status = StatusLine().Match(failure.ErrorMessage);
            var code = ErrorCodeLine().Match(failure.ErrorMessage);
            return Storage(
                Activity(activity),
                status.Success ? int.Parse(status.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
                code.Success ? code.Groups[1].Value : null);
        }

        return FirstLine(failure.ErrorMessage);
    }

    /// <summary>A storage error; status 0 is the SDK's for a request that got no answer.</summary>
    private static string Storage(string what, int status, string? errorCode) => status == 0
        ? $"{what} failed: the storage service could not be reached."
        : $"{what} failed: the storage service answered {status}{(errorCode is null ? string.Empty : $" ({errorCode})")}.";

    private static string Activity(string name) => name switch
    {
        nameof(BeginFileSyncActivity) => "Preparing the destination container",
        nameof(DiffSourcePageActivity) => "Listing the source",
        nameof(PruneUnselectedActivity) => "Finding the files no longer selected",
        nameof(CopyFileBatchActivity) => "Copying a batch of files",
        nameof(DeleteFileBatchActivity) => "Deleting files from the destination",
        _ => "The check",
    };

    private static string FirstLine(string message)
    {
        var line = message.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        line = end < 0 ? line : line[..end];
        return line.Length <= MaxMessageLength ? line.ToString() : string.Concat(line[..(MaxMessageLength - 1)], "…");
    }

    [GeneratedRegex(@"^Status: (\d{3})\b", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^ErrorCode: (\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ErrorCodeLine();
}
