using Transfers.Core.Exports;

namespace Transfers.Api.Exports;

/// <summary>
/// The <c>data</c> of the Exports family's success envelopes besides the records themselves (a model, a destination
/// and a transfer are written as they are, in the family's snake_case): lists, the ids of what was deleted or
/// enqueued, a page of transfers and a debug log.
/// </summary>
public static class ExportsViews
{
    /// <summary>The tenant's models: <c>{models}</c>.</summary>
    /// <param name="models">The models.</param>
    /// <returns>The data.</returns>
    public static object ModelList(IReadOnlyList<ExportModel> models) => new ModelListView(models);

    /// <summary>A deleted model: <c>{model_name}</c>.</summary>
    /// <param name="modelName">The model name.</param>
    /// <returns>The data.</returns>
    public static object ModelDeleted(string modelName) => new ModelDeletedView(modelName);

    /// <summary>The tenant's destinations: <c>{destinations}</c>.</summary>
    /// <param name="destinations">The destinations.</param>
    /// <returns>The data.</returns>
    public static object DestinationList(IReadOnlyList<ExportDestination> destinations) => new DestinationListView(destinations);

    /// <summary>A deleted destination: <c>{id}</c>.</summary>
    /// <param name="destinationId">The destination id.</param>
    /// <returns>The data.</returns>
    public static object DestinationDeleted(string destinationId) => new DestinationDeletedView(destinationId);

    /// <summary>An enqueued transfer: <c>{transfer_id}</c>.</summary>
    /// <param name="transfer">The transfer.</param>
    /// <returns>The data.</returns>
    public static object Enqueued(ExportTransfer transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        return new EnqueuedView(transfer.Id);
    }

    /// <summary>A page of transfers: <c>{transfers, has_next, next_page_token}</c>.</summary>
    /// <param name="page">The page, with the token of the next one.</param>
    /// <returns>The data.</returns>
    public static object TransferPage(ExportTransferPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new TransferPageView(page.Transfers, page.NextPageToken is not null, page.NextPageToken);
    }

    /// <summary>A transfer's debug log: <c>{transfer_id, is_debug_mode, entries}</c>.</summary>
    /// <param name="log">The transfer and its entries.</param>
    /// <returns>The data.</returns>
    public static object TransferLog(ExportTransferLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        return new TransferLogView(log.Transfer.Id, log.Transfer.IsDebugMode, log.Entries);
    }

    private sealed record ModelListView(IReadOnlyList<ExportModel> Models);

    private sealed record ModelDeletedView(string ModelName);

    private sealed record DestinationListView(IReadOnlyList<ExportDestination> Destinations);

    private sealed record DestinationDeletedView(string Id);

    private sealed record EnqueuedView(string TransferId);

    private sealed record TransferPageView(IReadOnlyList<ExportTransfer> Transfers, bool HasNext, string? NextPageToken);

    private sealed record TransferLogView(string TransferId, bool IsDebugMode, IReadOnlyList<ExportDebugLogEntry> Entries);
}
