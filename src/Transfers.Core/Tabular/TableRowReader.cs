using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Azure.Data.Tables;

namespace Transfers.Core.Tabular;

/// <summary>One page of rows and the continuation token that resumes after it.</summary>
/// <param name="Rows">The rows of the page.</param>
/// <param name="ContinuationToken">Resumes the query after this page; <c>null</c> after the last page.</param>
public sealed record TableRowPage(IReadOnlyList<TableEntity> Rows, string? ContinuationToken);

/// <summary>What one bounded read covered.</summary>
/// <param name="Rows">How many rows were handed to the caller.</param>
/// <param name="ContinuationToken">Where the next read resumes; <c>null</c> when the query is exhausted.</param>
public sealed record TableReadResult(long Rows, string? ContinuationToken);

/// <summary>
/// Reads the rows of a table page by page with memory bounded to a few pages. A read can start at a continuation
/// token and stop after an exact number of rows, so a large table can be cut into chunks that are each read again
/// identically when retried.
/// </summary>
public static class TableRowReader
{
    /// <summary>The largest page the table service returns.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>
    /// Reads pages, fetching the next page while the caller handles the current one. At most
    /// <paramref name="maxRows"/> rows are read in all (fewer are returned when the host checks the window); the
    /// last page's token resumes after them.
    /// </summary>
    /// <param name="table">The table.</param>
    /// <param name="query">Which rows and columns.</param>
    /// <param name="continuationToken">Where to start; <c>null</c> for the beginning.</param>
    /// <param name="maxRows">The most rows to read; <c>null</c> for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pages; an empty query yields one empty page with a <c>null</c> token.</returns>
    public static async IAsyncEnumerable<TableRowPage> ReadPagesAsync(
        TableClient table,
        TableRowQuery query,
        string? continuationToken = null,
        long? maxRows = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(query);
        if (maxRows is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRows), "Read at least one row.");
        }

        // One page in flight and one waiting: network and the caller's work overlap, memory stays at a few pages.
        var channel = Channel.CreateBounded<TableRowPage>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = ProduceAsync(table, query, continuationToken, maxRows, channel.Writer, stop.Token);
        try
        {
            await foreach (var page in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return page;
            }

            await producer;
        }
        finally
        {
            await stop.CancelAsync();
            await producer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Reads at most <paramref name="maxRows"/> rows and hands each page to <paramref name="onPage"/>.</summary>
    /// <param name="table">The table.</param>
    /// <param name="query">Which rows and columns.</param>
    /// <param name="continuationToken">Where to start; <c>null</c> for the beginning.</param>
    /// <param name="maxRows">The most rows to read; <c>null</c> for all.</param>
    /// <param name="onPage">Handles one page; the next page is fetched meanwhile.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>How many rows were read and where the next read resumes.</returns>
    public static async Task<TableReadResult> ReadAsync(
        TableClient table,
        TableRowQuery query,
        string? continuationToken,
        long? maxRows,
        Func<IReadOnlyList<TableEntity>, CancellationToken, ValueTask> onPage,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onPage);
        long rows = 0;
        string? next = null;
        await foreach (var page in ReadPagesAsync(table, query, continuationToken, maxRows, cancellationToken))
        {
            if (page.Rows.Count > 0)
            {
                await onPage(page.Rows, cancellationToken);
            }

            rows += page.Rows.Count;
            next = page.ContinuationToken;
        }

        return new TableReadResult(rows, next);
    }

    private static async Task ProduceAsync(
        TableClient table,
        TableRowQuery query,
        string? token,
        long? maxRows,
        ChannelWriter<TableRowPage> writer,
        CancellationToken cancellationToken)
    {
        try
        {
            var filter = query.ToFilter();
            var select = query.ToSelect();
            long read = 0;
            var any = false;
            while (true)
            {
                var pageSize = (int)Math.Min(MaxPageSize, (maxRows ?? long.MaxValue) - read);

                // The service returns at most pageSize rows but may return fewer, so a page size that no longer fits
                // the remaining budget needs a new query that resumes at the token.
                var restart = false;
                await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, select, cancellationToken).AsPages(token, pageSize))
                {
                    read += page.Values.Count;
                    token = page.ContinuationToken;
                    var done = token is null || read >= maxRows;
                    await writer.WriteAsync(new TableRowPage(InResult(query, page.Values), token), cancellationToken);
                    any = true;
                    if (done)
                    {
                        writer.Complete();
                        return;
                    }

                    if ((maxRows ?? long.MaxValue) - read < pageSize)
                    {
                        restart = true;
                        break;
                    }
                }

                if (!restart)
                {
                    if (!any)
                    {
                        await writer.WriteAsync(new TableRowPage([], null), cancellationToken);
                    }

                    writer.Complete();
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
        }
    }

    private static IReadOnlyList<TableEntity> InResult(TableRowQuery query, IReadOnlyList<TableEntity> rows)
    {
        if (!query.WindowCheckedInHost)
        {
            return rows;
        }

        var kept = rows.All(query.Matches) ? rows : [.. rows.Where(query.Matches)];
        if (query.ReadsColumnOnlyForWindow)
        {
            foreach (var row in kept)
            {
                row.Remove(query.TimestampColumn!);
            }
        }

        return kept;
    }
}
