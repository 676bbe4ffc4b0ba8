using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Transfers.Core.Storage;
using Transfers.Core.Tabular;
using Transfers.Core.Warehouse;

namespace Transfers.Core.Exports;

/// <summary>The kinds of destination, with their API names.</summary>
public static class ExportVendors
{
    /// <summary>Files in a blob container.</summary>
    public const string AzureBlobStorage = "azure_blob_storage";

    /// <summary>One table per model.</summary>
    public const string AzureTableStorage = "azure_table_storage";

    /// <summary>One table per model in a schema of a PostgreSQL warehouse.</summary>
    public const string Postgres = "postgres";
}

/// <summary>A recipient's destination: where transfers write each model's rows.</summary>
/// <param name="Id">The destination id.</param>
/// <param name="Name">A display name.</param>
/// <param name="Vendor"><see cref="ExportVendors.AzureBlobStorage"/>, <see cref="ExportVendors.AzureTableStorage"/> or <see cref="ExportVendors.Postgres"/>.</param>
/// <param name="Connection">The named storage connection, or for postgres destinations the named PostgreSQL connection.</param>
/// <param name="BucketName">The blob container (blob destinations).</param>
/// <param name="TablePrefix">The prefix of the per-model table names (table destinations).</param>
/// <param name="PathPrefix">The folder under which files are written (blob destinations); may be empty.</param>
/// <param name="Schema">The schema that holds the per-model tables (postgres destinations).</param>
/// <param name="Format"><c>jsonl</c> or <c>csv</c> (blob destinations).</param>
/// <param name="Compression"><c>gzip</c> or <c>none</c> (blob destinations).</param>
/// <param name="EnabledModels">The models this destination receives; all when null.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was last changed.</param>
public sealed partial record ExportDestination(
    string Id,
    string Name,
    string Vendor,
    string Connection,
    string? BucketName,
    string? TablePrefix,
    string? PathPrefix,
    string? Schema,
    string Format,
    string Compression,
    IReadOnlyList<string>? EnabledModels,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Gets the row file format.</summary>
    [JsonIgnore]
    public RowFileFormat FileFormat => Format == "csv" ? RowFileFormat.Csv : RowFileFormat.Jsonl;

    /// <summary>Gets the row file compression.</summary>
    [JsonIgnore]
    public RowFileCompression FileCompression => Compression == "gzip" ? RowFileCompression.Gzip : RowFileCompression.None;

    /// <summary>Whether a destination id has the shape this service issues.</summary>
    /// <param name="id">The id.</param>
    /// <returns><c>true</c> when well-formed.</returns>
    public static bool IsWellFormedId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Makes a new destination id.</summary>
    /// <returns>The id.</returns>
    public static string NewId() => "dst_" + Guid.NewGuid().ToString("N");

    /// <summary>Whether the destination receives a model.</summary>
    /// <param name="modelName">The model name.</param>
    /// <returns><c>true</c> when enabled.</returns>
    public bool IsEnabled(string modelName) => EnabledModels is null || EnabledModels.Contains(modelName, StringComparer.Ordinal);

    /// <summary>
    /// Why a table or postgres destination cannot receive a model: the table name the model makes there is not one the
    /// store (Azure Tables, or this service in PostgreSQL) accepts, or not one the tenant may write.
    /// </summary>
    /// <param name="modelName">The model name.</param>
    /// <param name="storage">Decides which tables the owning tenant may write.</param>
    /// <returns>The error message, or <c>null</c> when the model's table name is valid (or the destination writes files).</returns>
    public string? TableNameProblem(string modelName, TenantStorageAccess storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (Vendor == ExportVendors.Postgres)
        {
            // The schema is granted as a whole (CheckSchema); within it the model's name is the table's.
            return PostgresNames.IsValidName(modelName)
                ? null
                : $"model '{modelName}' makes the table name '{modelName}' in schema '{Schema}', which postgres destinations do not accept (lower-case letters, digits and underscores, starting with a letter or underscore); choose a lower-case model name.";
        }

        if (Vendor != ExportVendors.AzureTableStorage || TablePrefix is null)
        {
            return null;
        }

        var table = ExportPaths.TableName(TablePrefix, modelName);
        var made = $"table_prefix '{TablePrefix}' and model '{modelName}' make the table name '{table}'";
        if (!ExportModel.IsValidTableName(table) || table.Equals("tables", StringComparison.OrdinalIgnoreCase))
        {
            return $"{made}, which Azure Tables does not accept (3-63 letters and digits, starting with a letter, and not 'tables'); choose a longer table_prefix or model name.";
        }

        return storage.CheckTable(Connection, table) is { } denied ? $"{made}: {denied}" : null;
    }

    /// <summary>Checks a destination; the first problem found, or <c>null</c>.</summary>
    /// <param name="storage">Decides which connections, containers, tables and schemas the owning tenant may write.</param>
    /// <returns>The error message, or <c>null</c> when valid.</returns>
    public string? Validate(TenantStorageAccess storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200)
        {
            return "name must be 1-200 characters.";
        }

        // Control characters and invisible format characters (bidirectional overrides such as U+202E, zero-width ones)
        // would make a listed name read differently from what it holds.
        if (Name.Any(c => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format))
        {
            return "name must not contain control or invisible formatting characters (such as NUL, BEL or the right-to-left override U+202E).";
        }

        // The connection must be of the kind the vendor writes to: a storage account, or a PostgreSQL server.
        var deniedConnection = Vendor switch
        {
            ExportVendors.Postgres => storage.CheckPostgresConnection(Connection),
            ExportVendors.AzureBlobStorage or ExportVendors.AzureTableStorage => storage.CheckStorageConnection(Connection),
            _ => storage.CheckConnection(Connection),
        };
        if (deniedConnection is not null)
        {
            return $"connection: {deniedConnection}";
        }

        if (Format is not ("jsonl" or "csv"))
        {
            return "format must be 'jsonl' or 'csv'.";
        }

        if (Compression is not ("gzip" or "none"))
        {
            return "compression must be 'gzip' or 'none'.";
        }

        if (EnabledModels?.FirstOrDefault(m => !ExportModel.IsValidName(m)) is { } badModel)
        {
            return $"enabled_models: '{badModel}' is not a valid model name.";
        }

        if (EnabledModels?.Count > ExportLimits.MaxModelNames)
        {
            return $"enabled_models may list at most {ExportLimits.MaxModelNames} models.";
        }

        if (Vendor != ExportVendors.Postgres && Schema is not null)
        {
            return "schema applies to postgres destinations only.";
        }

        switch (Vendor)
        {
            case ExportVendors.AzureBlobStorage:
                if (BucketName is null || !ContainerPattern().IsMatch(BucketName) || BucketName.Contains("--", StringComparison.Ordinal))
                {
                    return "bucket_name must be a valid blob container name (3-63 lower-case letters, digits and single hyphens).";
                }

                if (TablePrefix is not null)
                {
                    return "table_prefix applies to azure_table_storage destinations only.";
                }

                if (PathPrefix is not null && (PathPrefix.Length > 200 || !PathPattern().IsMatch(PathPrefix)))
                {
                    return "path_prefix must be up to 200 letters, digits, '/', '-', '_' or '.', without '..' segments.";
                }

                return storage.CheckContainer(Connection, BucketName) is { } deniedContainer ? $"bucket_name: {deniedContainer}" : null;
            case ExportVendors.AzureTableStorage:
                if (TablePrefix is null || !TablePrefixPattern().IsMatch(TablePrefix))
                {
                    return "table_prefix must be a letter followed by up to 19 letters or digits.";
                }

                if (BucketName is not null || PathPrefix is not null)
                {
                    return "bucket_name and path_prefix apply to azure_blob_storage destinations only.";
                }

                // The tables themselves are checked by name with the models they receive (TableNameProblem).
                return storage.CheckTablePrefix(Connection, TablePrefix) is { } deniedPrefix ? $"table_prefix: {deniedPrefix}" : null;
            case ExportVendors.Postgres:
                if (BucketName is not null || TablePrefix is not null || PathPrefix is not null)
                {
                    return "bucket_name, table_prefix and path_prefix do not apply to postgres destinations, which load each model into a table of their schema.";
                }

                // Rows land in tables, not files: a format or compression other than the defaults would promise files.
                if (Format != "jsonl" || Compression != "gzip")
                {
                    return "format and compression apply to azure_blob_storage destinations only; leave them out for a postgres destination.";
                }

                // The name's own rules first, so that a bad name is not reported as outside the tenant's prefix.
                if (PostgresNames.SchemaProblem(Schema) is { } badSchema)
                {
                    return badSchema;
                }

                // The tables are checked by name with the models they receive (TableNameProblem).
                return storage.CheckSchema(Connection, Schema!) is { } deniedSchema ? $"schema: {deniedSchema}" : null;
            default:
                return $"vendor must be '{ExportVendors.AzureBlobStorage}', '{ExportVendors.AzureTableStorage}' or '{ExportVendors.Postgres}'.";
        }
    }

    [GeneratedRegex("^dst_[0-9a-f]{32}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,19}$")]
    private static partial Regex TablePrefixPattern();

    [GeneratedRegex(@"^(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$")]
    private static partial Regex PathPattern();
}
