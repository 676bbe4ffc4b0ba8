using Azure;
using Azure.Data.Tables;
using Transfers.Core.Application;

namespace Transfers.Core.Exports;

/// <summary>
/// Models per tenant in the <c>ExportModels</c> table (partition tenant, row model name). Beside each model, in the
/// same partition, a row keyed by its <see cref="ExportPaths.TableKey"/> reserves the model's destination table name:
/// added and deleted in one transaction with the model, it makes two models that would write to the same tables
/// impossible, even when created at the same time.
/// </summary>
/// <param name="tables">The family's tables.</param>
public sealed class ExportModelStore(ExportsTables tables)
{
    // Model names start with a letter, so these rows sort after every model.
    private const string TableKeyPrefix = "~table_";

    /// <summary>Creates a model.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>
    /// <c>null</c> when created; otherwise the name of the tenant's model it conflicts with: the same name, or one
    /// whose destination tables have the same name.
    /// </returns>
    public async Task<string?> CreateAsync(string tenant, ExportModel model, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.Models);
        ArgumentNullException.ThrowIfNull(model);
        if (await FindConflictAsync(tenant, model.ModelName, cancellationToken) is { } existing)
        {
            return existing;
        }

        try
        {
            await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, ToEntity(tenant, model)),
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(tenant, TableKeyPrefix + ExportPaths.TableKey(model.ModelName)) { ["ModelName"] = model.ModelName }),
                ],
                cancellationToken);
            return null;
        }
        catch (RequestFailedException ex) when (TableConflicts.IsLostWrite(ex))
        {
            // Created meanwhile by a concurrent request.
            return await FindConflictAsync(tenant, model.ModelName, cancellationToken) ?? model.ModelName;
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

        var table = await tables.GetAsync(ExportsTables.Models);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenant, modelName, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Lists a tenant's models by name.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The models.</returns>
    public async Task<IReadOnlyList<ExportModel>> ListAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.Models);
        var models = new List<ExportModel>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and RowKey lt {TableKeyPrefix}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            models.Add(FromEntity(row));
        }

        return models;
    }

    /// <summary>Lists the names of a tenant's models, reading nothing else.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The names, in order.</returns>
    public async Task<IReadOnlyList<string>> ListNamesAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.Models);
        var names = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and RowKey lt {TableKeyPrefix}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            names.Add(row.RowKey);
        }

        return names;
    }

    /// <summary>Deletes a model.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="modelName">The model name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>false</c> when no such model exists.</returns>
    public async Task<bool> DeleteAsync(string tenant, string modelName, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.Models);
        if (await GetAsync(tenant, modelName, cancellationToken) is null)
        {
            return false;
        }

        try
        {
            await table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(tenant, modelName), ETag.All),
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(tenant, TableKeyPrefix + ExportPaths.TableKey(modelName)), ETag.All),
                ],
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // A model stored before table names were reserved has no reservation row.
            await table.DeleteEntityAsync(tenant, modelName, ETag.All, cancellationToken);
        }

        return true;
    }

    private async Task<string?> FindConflictAsync(string tenant, string modelName, CancellationToken cancellationToken)
    {
        var key = ExportPaths.TableKey(modelName);
        return (await ListNamesAsync(tenant, cancellationToken)).FirstOrDefault(name => ExportPaths.TableKey(name) == key);
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
