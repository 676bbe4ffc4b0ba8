using Microsoft.AspNetCore.Http.Extensions;
using Transfers.Core.Ownership;

namespace Transfers.Api.Ownership;

/// <summary>
/// Paging of list routes: <c>pageSize</c> (1 to <see cref="OwnershipOptions.MaxPageSize"/>) and <c>after</c> (the
/// last id of the previous page). When more records follow, the response carries an RFC 5988
/// <c>Link: &lt;…&gt;; rel="next"</c> header with the same query and the next <c>after</c>.
/// </summary>
/// <param name="PageSize">The page size.</param>
/// <param name="After">The id to start after, if any.</param>
public sealed record ListPaging(int PageSize, string? After)
{
    /// <summary>Parses the paging parameters.</summary>
    /// <param name="query">The query string.</param>
    /// <param name="options">The family's settings.</param>
    /// <param name="paging">The paging.</param>
    /// <param name="error">Why the parameters are rejected, when they are.</param>
    /// <returns><c>true</c> when acceptable.</returns>
    public static bool TryParse(IQueryCollection query, OwnershipOptions options, out ListPaging paging, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        paging = new ListPaging(options.DefaultPageSize, null);
        error = null;
        string? size = query["pageSize"];
        string? after = query["after"];
        if (!string.IsNullOrEmpty(size))
        {
            if (!int.TryParse(size, out var pageSize) || pageSize < 1 || pageSize > options.MaxPageSize)
            {
                error = $"pageSize must be a whole number from 1 to {options.MaxPageSize}.";
                return false;
            }

            paging = paging with { PageSize = pageSize };
        }

        if (!string.IsNullOrEmpty(after))
        {
            if (!ObjectIds.IsValid(after))
            {
                error = "after must be an id of 24 lower-case hex characters.";
                return false;
            }

            paging = paging with { After = after };
        }

        return true;
    }

    /// <summary>Adds the <c>Link</c> header of the next page.</summary>
    /// <param name="context">The request.</param>
    /// <param name="lastId">The last id of this page.</param>
    public static void AddNextLink(HttpContext context, string lastId)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var query = new QueryBuilder(request.Query.Where(q => q.Key != "after").SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? string.Empty))))
        {
            { "after", lastId },
        };
        var next = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, query.ToQueryString());
        context.Response.Headers.Append("Link", $"<{next}>; rel=\"next\"");
    }
}
