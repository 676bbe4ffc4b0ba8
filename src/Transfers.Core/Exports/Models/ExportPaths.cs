using System.Globalization;
using Transfers.Core.Tabular;

namespace Transfers.Core.Exports;

/// <summary>Where an export's files and tables go. Names depend only on the transfer, model and chunk, so a retried chunk overwrites its own file.</summary>
public static class ExportPaths
{
    /// <summary>The blob name of one chunk's file: <c>{prefix}/{model}/dt=YYYY-MM-DD/part-{transfer}-{n}.{ext}</c>.</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="model">The model; its window end gives the date.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="chunkIndex">The chunk number.</param>
    /// <returns>The blob name.</returns>
    public static string DataFile(ExportTarget destination, ExportModelPlan model, string transferId, int chunkIndex)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(model);
        var date = model.Window.End.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Prefixed(destination, $"{model.ModelName}/dt={date}/part-{transferId}-{chunkIndex:D5}{RowFileNames.Extension(destination.Format, destination.Compression)}");
    }

    /// <summary>The blob name of a model's manifest: <c>{prefix}/_manifests/{model}/manifest_{transfer}.json</c>.</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="modelName">The model name.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <returns>The blob name.</returns>
    public static string Manifest(ExportTarget destination, string modelName, string transferId)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Prefixed(destination, $"_manifests/{modelName}/manifest_{transferId}.json");
    }

    /// <summary>The table a model is written to: the prefix and the model name without underscores.</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="modelName">The model name.</param>
    /// <returns>The table name.</returns>
    public static string Table(ExportTarget destination, string modelName)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return TableName(destination.TablePrefix ?? string.Empty, modelName);
    }

    /// <summary>The table a model is written to in a table destination with a given prefix.</summary>
    /// <param name="tablePrefix">The destination's <c>table_prefix</c>.</param>
    /// <param name="modelName">The model name.</param>
    /// <returns>The table name.</returns>
    public static string TableName(string tablePrefix, string modelName)
    {
        ArgumentNullException.ThrowIfNull(tablePrefix);
        ArgumentNullException.ThrowIfNull(modelName);
        return tablePrefix + modelName.Replace("_", string.Empty, StringComparison.Ordinal);
    }

    /// <summary>
    /// What two models of a tenant must not share, or they would write to the same table of every table destination:
    /// the name without underscores, in upper case (Azure compares table names without regard to case).
    /// </summary>
    /// <param name="modelName">The model name.</param>
    /// <returns>The key.</returns>
    public static string TableKey(string modelName)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        return TableName(string.Empty, modelName).ToUpperInvariant();
    }

    private static string Prefixed(ExportTarget destination, string path) =>
        destination.PathPrefix.Length == 0 ? path : destination.PathPrefix + "/" + path;
}
