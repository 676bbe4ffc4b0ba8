using System.Text.RegularExpressions;
using Azure;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Exports;

/// <summary>
/// Short descriptions of failures for the error fields users read (a model's <c>error</c>, a transfer's
/// <c>error</c>, the debug log). A storage failure's message carries the response's content and headers (request
/// ids, server names): only the operation, the status and the error code are kept.
/// </summary>
public static partial class ExportErrors
{
    /// <summary>The longest description of a failure that is not a storage response.</summary>
    public const int MaxMessageLength = 300;

    /// <summary>Describes a failed activity in one short sentence.</summary>
    /// <param name="failure">What the activity threw.</param>
    /// <param name="operation">What was being done, capitalized, such as <c>Exporting chunk 3</c>.</param>
    /// <returns>The description.</returns>
    public static string Describe(TaskFailureDetails failure, string operation)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentException.ThrowIfNullOrEmpty(operation);
        if (failure.IsCausedBy<RequestFailedException>() && StatusLine().Match(failure.ErrorMessage) is { Success: true } status)
        {
            var reason = status.Groups["reason"].Success ? $" ({status.Groups["reason"].Value})" : string.Empty;
            var code = ErrorCodeLine().Match(failure.ErrorMessage) is { Success: true } c ? $", error code {c.Groups["code"].Value}" : string.Empty;
            return $"{operation} failed: storage answered {status.Groups["status"].Value}{reason}{code}.";
        }

        var firstLine = failure.ErrorMessage.AsSpan().Trim();
        var end = firstLine.IndexOfAny('\r', '\n');
        var text = (end < 0 ? firstLine : firstLine[..end]).TrimEnd().ToString();
        if (text.Length > MaxMessageLength)
        {
            text = text[..(MaxMessageLength - 3)] + "...";
        }

        var type = failure.ErrorType[(failure.ErrorType.LastIndexOf('.') + 1)..];
        return text.Length == 0 ? $"{operation} failed: {type}." : $"{operation} failed: {type}: {text}";
    }

    [GeneratedRegex(@"^Status: (?<status>\d{3})(?: \((?<reason>[^)\r\n]{1,100})\))?\r?$", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^ErrorCode: (?<code>[A-Za-z0-9_.\-]{1,100})\r?$", RegexOptions.Multiline)]
    private static partial Regex ErrorCodeLine();
}
