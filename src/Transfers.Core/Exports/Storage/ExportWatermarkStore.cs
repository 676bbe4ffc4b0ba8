using Azure.Data.Tables;

namespace Transfers.Core.Exports;

/// <summary>Per destination and model, the end of the last successful window, in <c>ExportWatermarks</c>.</summary>
/// <param name="tables">The family's tables.</param>
public sealed class ExportWatermarkStore(ExportsTables tables)
{
    /// <summary>Gets a model's watermark for a destination.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="modelName">The model name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The watermark, or <c>null</c> when the model never succeeded there.</returns>
    public async Task<DateTimeOffset?> GetAsync(string tenant, string destinationId, string modelName, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.Watermarks);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenant, Key(destinationId, modelName), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetDateTimeOffset("Watermark") : null;
    }

    /// <summary>Advances a model's watermark after it succeeded; repeating it changes nothing.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="modelName">The model name.</param>
    /// <param name="window">The window that succeeded.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new watermark.</returns>
    public async Task<DateTimeOffset> AdvanceAsync(string tenant, string destinationId, string modelName, ExportWindow window, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.Watermarks);
        var watermark = ExportWindows.Advance(await GetAsync(tenant, destinationId, modelName, cancellationToken), window);
        await table.UpsertEntityAsync(
            new TableEntity(tenant, Key(destinationId, modelName)) { ["Watermark"] = watermark },
            TableUpdateMode.Replace,
            cancellationToken);
        return watermark;
    }

    private static string Key(string destinationId, string modelName) => destinationId + "_" + modelName;
}
