using Transfers.Core.Shares;

namespace Transfers.Api.Shares;

/// <summary>The family's response shapes: a share, a transfer, and a page of either.</summary>
public static class SharesViews
{
    /// <summary>A share.</summary>
    /// <param name="share">The share.</param>
    /// <returns>Its view.</returns>
    public static object Share(Share share)
    {
        ArgumentNullException.ThrowIfNull(share);
        return new
        {
            id = share.Id,
            name = share.Name,
            source = share.Source,
            destination = share.Destination,
            createdAt = share.CreatedAt,
        };
    }

    /// <summary>A transfer: its contents as the request named them, its state, and how the consumer reads the data.</summary>
    /// <param name="t">The transfer.</param>
    /// <returns>Its view.</returns>
    public static object Transfer(ShareTransfer t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new
        {
            id = t.Id,
            shareId = t.ShareId,
            status = t.Status,
            transferEntity = t.Contents.Kind == ShareDestinationKinds.Files
                ? new { type = "files", pathNames = t.Contents.PathNames } as object
                : (t.Contents.Tables ?? []).Select(table => new
                {
                    type = "table",
                    name = table.Name,
                    sourceTable = table.SourceTable,
                    loadingPattern = table.LoadingPattern,
                    primaryKey = table.PrimaryKey,
                    fileType = table.FileType,
                }),
            options = new { transferNow = t.TransferNow },
            createdAt = t.CreatedAt,
            startedAt = t.StartedAt,
            nextSyncAt = t.NextSyncAt,
            progress = t.Progress,
            lastSync = t.LastSync,
            errors = t.Errors,
            accessDetails = t.AccessDetails,
            replaces = t.Replaces,
            supersededBy = t.SupersededBy,
        };
    }

    /// <summary>The credentials of a share's read-only PostgreSQL role: <c>{role, password, access, schema}</c>.</summary>
    /// <param name="credentials">The credentials just issued.</param>
    /// <returns>Their view.</returns>
    public static object Credentials(ShareCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return new { role = credentials.Role, password = credentials.Password, access = credentials.Access, schema = credentials.Schema };
    }

    /// <summary>A page: <c>{items, next}</c>, <c>next</c> the link to the following page or <c>null</c> on the last.</summary>
    /// <typeparam name="T">The items' type.</typeparam>
    /// <param name="page">The page.</param>
    /// <param name="view">An item's view.</param>
    /// <param name="link">The link of the page that continues at a cursor.</param>
    /// <returns>Its view.</returns>
    public static object Page<T>(SharePage<T> page, Func<T, object> view, Func<string, string> link)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(link);
        return new { items = page.Items.Select(view), next = page.Next is null ? null : link(page.Next) };
    }
}
