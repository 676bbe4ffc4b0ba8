using Azure;
using Azure.Data.Tables;

namespace Transfers.Core.Exports;

/// <summary>Models per tenant in the <c>ExportModels</c> table.</summary>
/// <param name="tables">The family's tables.</param>
public sealed class ExportModelStore(ExportsTables tables)
{
    /// <summary>Creates a model.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>false</c> when the tenant already has a model of that name.</returns>
    public async Task<bool> CreateAsync(string tenant, ExportModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        await tables.EnsureCreatedAsync();
        try
        {
            await tables.Models.AddEntityAsync(ToEntity(tenant, model), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Gets one model.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="modelName">The model name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The model, or <c>null</c>.</returns>
    public async Task<ExportModel?> GetAsync(string tenant, string modelName, CancellationToken cancellationToken = default)
    {
        if (!ExportModel.IsValidName(modelName))
        {
            return null;
        }

        await tables.EnsureCreatedAsync();
        var row = await tables.Models.GetEntityIfExistsAsync<TableEntity>(tenant, modelName, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Lists a tenant's models by name.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The models.</returns>
    public async Task<IReadOnlyList<ExportModel>> ListAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await tables.EnsureCreatedAsync();
        var models = new List<ExportModel>();
        await foreach (var row in tables.Models.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenant}"), cancellationToken: cancellationToken))
        {
            models.Add(FromEntity(row));
        }

        return models;
    }

    /// <summary>Deletes a model.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="modelName">The model name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>false</c> when no such model exists.</returns>
    public async Task<bool> DeleteAsync(string tenant, string modelName, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(tenant, modelName, cancellationToken) is null)
        {
            return false;
        }

        await tables.Models.DeleteEntityAsync(tenant, modelName, ETag.All, cancellationToken);
        return true;
    }

    private static TableEntity ToEntity(string tenant, ExportModel model) => new(tenant, model.ModelName)
    {
        ["SourceTable"] = model.SourceTable,
        ["SourceConnection"] = model.SourceConnection,
        ["PrimaryKey"] = ExportsTables.ToJson(model.PrimaryKey),
        ["LastUpdatedAtColumn"] = model.LastUpdatedAtColumn,
        ["Columns"] = ExportsTables.ToJson(model.Columns),
        ["CreatedAt"] = model.CreatedAt,
    };

    private static ExportModel FromEntity(TableEntity row) => new(
        row.RowKey,
        row.GetString("SourceTable"),
        row.GetString("SourceConnection"),
        ExportsTables.FromJson<List<string>>(row.GetString("PrimaryKey")) ?? [],
        row.GetString("LastUpdatedAtColumn"),
        ExportsTables.FromJson<List<string>>(row.GetString("Columns")),
        row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch);
}
