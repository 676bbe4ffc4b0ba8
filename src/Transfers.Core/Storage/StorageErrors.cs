using System.Globalization;
using System.Text.RegularExpressions;
using Azure;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Storage;

/// <summary>
/// One-line descriptions of failures for the error fields users read (Shares' <c>errors[]</c>, Exports' model and
/// transfer <c>error</c>, debug logs). A storage failure's own text goes on with the response's content and headers
/// (request ids, server names): only what failed, the status and the error code are kept.
/// </summary>
public static partial class StorageErrors
{
    /// <summary>The longest text kept from a failure that is not a storage response.</summary>
    public const int MaxMessageLength = 300;

    /// <summary>Describes a caught exception; a storage error that a wrapper carries (a reader's channel closed by it) counts as one.</summary>
    /// <param name="operation">What was being done, capitalized, such as <c>Copying the file</c>.</param>
    /// <param name="exception">The exception.</param>
    /// <returns>The description.</returns>
    public static string Describe(string operation, Exception exception)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        ArgumentNullException.ThrowIfNull(exception);
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is RequestFailedException storage)
            {
                return Storage(operation, storage.Status, storage.ErrorCode);
            }
        }

        return Other(operation, exception.Message);
    }

    /// <summary>Describes the failure of an activity as the engine recorded it: a storage error keeps only the <c>Status:</c> and <c>ErrorCode:</c> lines of its text.</summary>
    /// <param name="operation">What was being done, capitalized, such as <c>Exporting chunk 3</c>.</param>
    /// <param name="failure">The recorded failure.</param>
    /// <returns>The description.</returns>
    public static string Describe(string operation, TaskFailureDetails failure)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        ArgumentNullException.ThrowIfNull(failure);
        if (!failure.IsCausedBy<RequestFailedException>())
        {
            return Other(operation, failure.ErrorMessage);
        }

        var status = StatusLine().Match(failure.ErrorMessage);
        var code = ErrorCodeLine().Match(failure.ErrorMessage);
        return Storage(
            operation,
            status.Success ? int.Parse(status.Groups["status"].Value, CultureInfo.InvariantCulture) : 0,
            code.Success ? code.Groups["code"].Value : null);
    }

    // Status 0 is the SDK's for a request that got no answer.
    private static string Storage(string operation, int status, string? errorCode) => status == 0
        ? $"{operation} failed: the storage service could not be reached."
        : $"{operation} failed: the storage service answered {status}{(string.IsNullOrEmpty(errorCode) ? string.Empty : $" ({errorCode})")}.";

    // Our own exceptions say what went wrong in their first line; later lines are details and stack.
    private static string Other(string operation, string message)
    {
        var line = message.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        line = (end < 0 ? line : line[..end]).TrimEnd();
        var text = line.Length <= MaxMessageLength ? line.ToString() : string.Concat(line[..(MaxMessageLength - 1)], "…");
        return text.Length == 0 ? $"{operation} failed." : $"{operation} failed: {text}";
    }

    [GeneratedRegex(@"^Status: (?<status>\d{3})\b", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^ErrorCode: (?<code>[A-Za-z0-9_.\-]{1,100})\r?$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ErrorCodeLine();
}
