using System.Globalization;

namespace Transfers.Core.Shares;

/// <summary>
/// A position in the listing order of shares and of transfers (newest first: <c>createdAt</c>, then id, both
/// descending), written as <c>{createdAt ticks}-{id}</c>: the <c>cursor</c> of the family's list routes.
/// </summary>
/// <param name="CreatedAtTicks">The creation time of the last item listed, in UTC ticks.</param>
/// <param name="Id">The id of the last item listed.</param>
public sealed record ShareListCursor(long CreatedAtTicks, string Id)
{
    /// <summary>The cursor that continues after an item.</summary>
    /// <param name="last">The position of the last item of a page.</param>
    /// <returns>The cursor text.</returns>
    public static string After((DateTimeOffset CreatedAt, string Id) last) =>
        string.Create(CultureInfo.InvariantCulture, $"{last.CreatedAt.UtcTicks}-{last.Id}");

    /// <summary>Reads a cursor written by <see cref="After"/>.</summary>
    /// <param name="text">The cursor text; <c>null</c> when absent.</param>
    /// <returns>The cursor, or <c>null</c> when absent or malformed.</returns>
    public static ShareListCursor? Parse(string? text) =>
        text?.Split('-') is [var ticks, var id] &&
        long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= DateTimeOffset.MaxValue.UtcTicks &&
        ShareStore.IsId(id)
            ? new ShareListCursor(value, id)
            : null;

    /// <summary>
    /// The page after the cursor of a list in the listing order. The cursor is a position in the order, not an item to
    /// look for: a page goes on after it whatever became of the items already listed (a status that changed, a filter
    /// that no longer matches them, a share deleted).
    /// </summary>
    /// <typeparam name="T">The items' type.</typeparam>
    /// <param name="ordered">The list, in the listing order.</param>
    /// <param name="position">An item's position in the order.</param>
    /// <param name="limit">The most items of a page.</param>
    /// <param name="cursor">Where the previous page stopped; <c>null</c> for the first page.</param>
    /// <returns>The page.</returns>
    public static SharePage<T> Page<T>(IEnumerable<T> ordered, Func<T, (DateTimeOffset CreatedAt, string Id)> position, int limit, ShareListCursor? cursor)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        ArgumentNullException.ThrowIfNull(position);
        var rest = ordered.Where(item => cursor is null || cursor.Precedes(position(item))).Take(limit + 1).ToList();
        var page = rest.Take(limit).ToList();
        return new SharePage<T>(page, rest.Count > limit ? After(position(page[^1])) : null);
    }

    /// <summary>Whether a share or transfer at this position in the order comes after the cursor.</summary>
    /// <param name="item">The item's position.</param>
    /// <returns><c>true</c> when it comes after.</returns>
    public bool Precedes((DateTimeOffset CreatedAt, string Id) item) =>
        item.CreatedAt.UtcTicks < CreatedAtTicks ||
        (item.CreatedAt.UtcTicks == CreatedAtTicks && string.CompareOrdinal(item.Id, Id) < 0);
}

/// <summary>One page of a list of shares or transfers.</summary>
/// <typeparam name="T">The items' type.</typeparam>
/// <param name="Items">The items, in the listing order.</param>
/// <param name="Next">The cursor of the next page; <c>null</c> on the last.</param>
public sealed record SharePage<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>
/// The codes of the family's invalid results: each names what was refused, which the family's envelope states as its
/// <c>detail</c> (the field errors themselves are listed by field).
/// </summary>
public static class ShareInvalid
{
    /// <summary>The share of a create is invalid.</summary>
    public const string Share = "invalid_share";

    /// <summary>A destination is invalid.</summary>
    public const string Destination = "invalid_destination";

    /// <summary>The destination cannot take the tables of the share's created transfers.</summary>
    public const string DestinationTables = "destination_tables";

    /// <summary>A transfer of a create or update is invalid.</summary>
    public const string Transfer = "invalid_transfer";

    /// <summary>A created transfer cannot start.</summary>
    public const string Start = "cannot_start";
}
