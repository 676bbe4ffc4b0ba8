using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;

namespace Transfers.Api;

/// <summary>
/// The paging rules every family's list routes share: a page size is a whole number in plain digits (no sign, spaces
/// or separators: <see cref="NumberStyles.None"/>) from 1 to the family's maximum, and the next page is named by a
/// cursor in the family's own format (the last id, a position, a token). Families keep their parameter names
/// (<c>pageSize</c>, <c>limit</c>, <c>page_size</c>) and their envelopes.
/// </summary>
public static class Paging
{
    /// <summary>Parses a page size.</summary>
    /// <param name="text">The parameter's value; <c>null</c> when absent (a family that treats an empty value as absent passes <c>null</c> for it).</param>
    /// <param name="defaultSize">The size when absent.</param>
    /// <param name="maxSize">The largest size allowed.</param>
    /// <param name="pageSize">The size.</param>
    /// <returns><c>true</c> when absent or a whole number from 1 to <paramref name="maxSize"/>.</returns>
    public static bool TryParsePageSize(string? text, int defaultSize, int maxSize, out int pageSize)
    {
        pageSize = defaultSize;
        return text is null ||
            (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) && pageSize >= 1 && pageSize <= maxSize);
    }

    /// <summary>The message of a page size <see cref="TryParsePageSize"/> rejects.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="maxSize">The largest size allowed.</param>
    /// <returns>The message.</returns>
    public static string PageSizeMessage(string name, int maxSize) => $"{name} must be a whole number from 1 to {maxSize}.";

    /// <summary>
    /// Adds an RFC 8288 <c>Link: &lt;…&gt;; rel="next"</c> header: this request's URL with the same query, the cursor
    /// parameter set to the next page's cursor.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="cursorName">The cursor parameter's name, such as <c>after</c>.</param>
    /// <param name="cursor">The next page's cursor.</param>
    public static void AddNextLink(HttpContext context, string cursorName, string cursor)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var query = new QueryBuilder(request.Query.Where(q => q.Key != cursorName).SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? string.Empty))))
        {
            { cursorName, cursor },
        };
        var next = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, query.ToQueryString());
        context.Response.Headers.Append("Link", $"<{next}>; rel=\"next\"");
    }
}
