using Azure;
using Azure.Data.Tables;

namespace Transfers.Core.Exports;

/// <summary>Destinations per tenant in the <c>ExportDestinations</c> table.</summary>
/// <param name="tables">The family's tables.</param>
public sealed class ExportDestinationStore(ExportsTables tables)
{
    /// <summary>Creates or replaces a destination.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="destination">The destination.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when it is stored.</returns>
    public async Task SaveAsync(string tenant, ExportDestination destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var table = await tables.GetAsync(ExportsTables.Destinations);
        await table.UpsertEntityAsync(ToEntity(tenant, destination), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Gets one destination of a tenant.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The destination, or <c>null</c> when the tenant has none of that id.</returns>
    public async Task<ExportDestination?> GetAsync(string tenant, string destinationId, CancellationToken cancellationToken = default)
    {
        if (!ExportDestination.IsWellFormedId(destinationId))
        {
            return null;
        }

        var table = await tables.GetAsync(ExportsTables.Destinations);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(tenant, destinationId, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Lists a tenant's destinations.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The destinations.</returns>
    public async Task<IReadOnlyList<ExportDestination>> ListAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.Destinations);
        var list = new List<ExportDestination>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenant}"), cancellationToken: cancellationToken))
        {
            list.Add(FromEntity(row));
        }

        return list;
    }

    /// <summary>Deletes a destination.</summary>
    /// <param name="tenant">The owner.</param>
    /// <param name="destinationId">The destination id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>false</c> when the tenant has no destination of that id.</returns>
    public async Task<bool> DeleteAsync(string tenant, string destinationId, CancellationToken cancellationToken = default)
    {
        var table = await tables.GetAsync(ExportsTables.Destinations);
        if (await GetAsync(tenant, destinationId, cancellationToken) is null)
        {
            return false;
        }

        await table.DeleteEntityAsync(tenant, destinationId, ETag.All, cancellationToken);
        return true;
    }

    private static TableEntity ToEntity(string tenant, ExportDestination d) => new(tenant, d.Id)
    {
        ["Name"] = d.Name,
        ["Vendor"] = d.Vendor,
        ["Connection"] = d.Connection,
        ["BucketName"] = d.BucketName,
        ["TablePrefix"] = d.TablePrefix,
        ["PathPrefix"] = d.PathPrefix,
        ["Schema"] = d.Schema,
        ["Format"] = d.Format,
        ["Compression"] = d.Compression,
        ["EnabledModels"] = ExportsTables.ToJson(d.EnabledModels),
        ["CreatedAt"] = d.CreatedAt,
        ["UpdatedAt"] = d.UpdatedAt,
    };

    private static ExportDestination FromEntity(TableEntity row) => new(
        row.RowKey,
        row.GetString("Name"),
        row.GetString("Vendor"),
        row.GetString("Connection"),
        row.GetString("BucketName"),
        row.GetString("TablePrefix"),
        row.GetString("PathPrefix"),
        row.GetString("Schema"),
        row.GetString("Format"),
        row.GetString("Compression"),
        ExportsTables.FromJson<List<string>>(row.GetString("EnabledModels")),
        row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch,
        row.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.UnixEpoch);
}
