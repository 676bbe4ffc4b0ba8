using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Transfers.Core.Configuration;
using Transfers.Core.Exports;
using Transfers.Core.Storage;
using Transfers.Core.Tabular;
using Transfers.Core.Tenants;
using Transfers.Core.Warehouse;

namespace Transfers.Core.Tests.Exports;

public sealed class ExportValidationTests
{
    private const string Tenant = "acme";
    private const string Warehouse = "warehouse";

    // Two PostgreSQL connections, only the first granted; no server is needed to validate against them.
    private static readonly IConfiguration s_configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            [$"Transfers:Connections:{Warehouse}"] = "Host=127.0.0.1;Database=warehouse",
            ["Transfers:Connections:other"] = "Host=127.0.0.1;Database=other",
        })
        .Build();

    private static readonly TenantStorageAccess s_storage = HostAccountAccess();

    [Fact]
    public void DataFile_ChunkAndFormat_NamesDeterministicPath()
    {
        var target = new ExportTarget("d", ExportVendors.AzureBlobStorage, "default", "c", null, "feed/x", RowFileFormat.Csv, RowFileCompression.None);
        var model = new ExportModelPlan("orders", "t", "default", ["id"], "u", null, new ExportWindow(DateTimeOffset.UnixEpoch, new DateTimeOffset(2024, 2, 3, 23, 0, 0, TimeSpan.Zero)));

        Assert.Equal("feed/x/orders/dt=2024-02-03/part-tr1-00007.csv", ExportPaths.DataFile(target, model, "tr1", 7));
        Assert.Equal("feed/x/_manifests/orders/manifest_tr1.json", ExportPaths.Manifest(target, "orders", "tr1"));
    }

    [Fact]
    public void Table_ModelWithUnderscores_UsesPrefixAndLettersOnly()
    {
        var target = new ExportTarget("d", ExportVendors.AzureTableStorage, "default", null, "pre", string.Empty, RowFileFormat.Jsonl, RowFileCompression.None);

        Assert.Equal("preuserevents", ExportPaths.Table(target, "user_events"));
    }

    [Theory]
    [InlineData("azure_blob_storage", "bucket", null, null)]
    [InlineData("azure_table_storage", null, "pre", null)]
    [InlineData("azure_blob_storage", null, null, "bucket_name")]
    [InlineData("azure_blob_storage", "bucket", "pre", "table_prefix")]
    [InlineData("azure_table_storage", "bucket", "pre", "bucket_name")]
    [InlineData("gcs", "bucket", null, "vendor")]
    public void Validate_Destination_ChecksVendorFields(string vendor, string? bucket, string? prefix, string? expectedError)
    {
        var destination = new ExportDestination("dst_1", "n", vendor, "default", bucket, prefix, null, null, "jsonl", "gzip", null, default, default);

        var error = destination.Validate(s_storage);

        if (expectedError is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(expectedError, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_Model_Valid_ReturnsNull()
    {
        var model = new ExportModel("orders_v2", "orders", "default", ["id"], "last_updated_at", ["id", "name"], default);

        Assert.Null(model.Validate(s_storage));
    }

    [Theory]
    [InlineData("x", "a", false)]
    [InlineData("x", "a_", false)]
    [InlineData("x", "ab", true)]
    [InlineData("ab", "a", true)]
    [InlineData("tab", "les", false)]
    [InlineData("p1234567890123456789", "m123456789012345678901234567890123456789", true)]
    public void TableNameProblem_PrefixAndModel_RefusesNamesAzureRejects(string prefix, string model, bool valid)
    {
        var destination = new ExportDestination("dst_1", "n", ExportVendors.AzureTableStorage, "default", null, prefix, null, null, "jsonl", "gzip", null, default, default);

        var problem = destination.TableNameProblem(model, s_storage);

        if (valid)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains($"table name '{ExportPaths.TableName(prefix, model)}'", problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_ServiceOwnedStorage_IsRefused()
    {
        var model = new ExportModel("keys", "ApiKeys", "default", ["id"], "u", null, default);
        var blob = new ExportDestination("dst_1", "n", ExportVendors.AzureBlobStorage, "default", "azure-webjobs-hosts", null, null, null, "jsonl", "gzip", null, default, default);
        var composed = new ExportDestination("dst_1", "n", ExportVendors.AzureTableStorage, "default", null, "Exp", null, null, "jsonl", "gzip", null, default, default);

        Assert.Contains("service's own", model.Validate(s_storage), StringComparison.Ordinal);
        Assert.Contains("service's own", blob.Validate(s_storage), StringComparison.Ordinal);
        Assert.Contains("begins 'ExportModels'", composed.Validate(s_storage), StringComparison.Ordinal);
        Assert.Contains("'Exportwatermarks'", composed.TableNameProblem("ort_watermarks", s_storage), StringComparison.Ordinal);
    }

    [Fact]
    public void TableNameProblem_BlobDestination_IsNeverAProblem()
    {
        var destination = new ExportDestination("dst_1", "n", ExportVendors.AzureBlobStorage, "default", "bucket", null, null, null, "jsonl", "gzip", null, default, default);

        Assert.Null(destination.TableNameProblem("a", s_storage));
    }

    [Fact]
    public void TableKey_NamesThatShareATable_AreEqual()
    {
        Assert.Equal(ExportPaths.TableKey("a_b"), ExportPaths.TableKey("ab"));
        Assert.Equal(ExportPaths.TableKey("Orders"), ExportPaths.TableKey("or_ders"));
        Assert.NotEqual(ExportPaths.TableKey("ab"), ExportPaths.TableKey("abc"));
    }

    [Fact]
    public void Validate_ModelColumnsBeyondOneProperty_IsRefused()
    {
        var manyLong = Enumerable.Range(0, 300).Select(i => "c" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + new string('x', 100)).ToList();
        var tooMany = Enumerable.Range(0, ExportLimits.MaxColumns + 1).Select(i => "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var most = Enumerable.Range(0, ExportLimits.MaxColumns).Select(i => "c" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + new string('x', 110)).ToList();

        var longColumns = new ExportModel("m", "src", "default", [manyLong[0]], "u", manyLong, default).Validate(s_storage);
        var longKey = new ExportModel("m", "src", "default", tooMany, "u", null, default).Validate(s_storage);
        var atLimit = new ExportModel("m", "src", "default", [most[0]], "u", most, default).Validate(s_storage);

        Assert.Contains("at most 252 columns", longColumns, StringComparison.Ordinal);
        Assert.Contains("at most 252 columns", longKey, StringComparison.Ordinal);
        Assert.Null(atLimit);
        Assert.True(System.Text.Json.JsonSerializer.Serialize(most).Length < 32 * 1024);
    }

    [Fact]
    public void Validate_DestinationEnablingTooManyModels_IsRefused()
    {
        var names = Enumerable.Range(0, ExportLimits.MaxModelNames + 1).Select(i => "m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var destination = new ExportDestination("dst_1", "n", ExportVendors.AzureBlobStorage, "default", "bucket", null, null, null, "jsonl", "gzip", names, default, default);

        Assert.Contains("at most 500 models", destination.Validate(s_storage), StringComparison.Ordinal);
        Assert.Null((destination with { EnabledModels = names[..ExportLimits.MaxModelNames] }).Validate(s_storage));
    }

    [Theory]
    [InlineData("postgres", "warehouse", null, null, null, "sales", "jsonl", "gzip", null)]
    [InlineData("postgres", "warehouse", null, null, null, "_raw2", "jsonl", "gzip", null)]
    [InlineData("postgres", "warehouse", null, null, null, null, "jsonl", "gzip", "schema must be 1-63 lower-case letters")]
    [InlineData("postgres", "warehouse", null, null, null, "Sales", "jsonl", "gzip", "schema must be 1-63 lower-case letters")]
    [InlineData("postgres", "warehouse", null, null, null, "transfers_state", "jsonl", "gzip", "The schema 'transfers_state' is reserved")]
    [InlineData("postgres", "warehouse", null, null, null, "pg_catalog", "jsonl", "gzip", "The schema 'pg_catalog' is reserved")]
    [InlineData("postgres", "warehouse", "bucket", null, null, "sales", "jsonl", "gzip", "bucket_name, table_prefix and path_prefix do not apply to postgres destinations")]
    [InlineData("postgres", "warehouse", null, "pre", null, "sales", "jsonl", "gzip", "bucket_name, table_prefix and path_prefix do not apply to postgres destinations")]
    [InlineData("postgres", "warehouse", null, null, "feed", "sales", "jsonl", "gzip", "bucket_name, table_prefix and path_prefix do not apply to postgres destinations")]
    [InlineData("postgres", "warehouse", null, null, null, "sales", "csv", "gzip", "format and compression apply to azure_blob_storage destinations only")]
    [InlineData("postgres", "warehouse", null, null, null, "sales", "jsonl", "none", "format and compression apply to azure_blob_storage destinations only")]
    [InlineData("postgres", "default", null, null, null, "sales", "jsonl", "gzip", "connection: The connection 'default' is a storage connection, not PostgreSQL.")]
    [InlineData("postgres", "other", null, null, null, "sales", "jsonl", "gzip", "connection: The PostgreSQL connection 'other' is not granted to this tenant")]
    [InlineData("postgres", "missing", null, null, null, "sales", "jsonl", "gzip", "connection: No PostgreSQL connection named 'missing' is configured.")]
    [InlineData("azure_blob_storage", "warehouse", "bucket", null, null, null, "jsonl", "gzip", "connection: The connection 'warehouse' is a PostgreSQL connection, not storage")]
    [InlineData("azure_table_storage", "warehouse", null, "pre", null, null, "jsonl", "gzip", "connection: The connection 'warehouse' is a PostgreSQL connection, not storage")]
    [InlineData("azure_blob_storage", "default", "bucket", null, null, "sales", "jsonl", "gzip", "schema applies to postgres destinations only.")]
    [InlineData("azure_table_storage", "default", null, "pre", null, "sales", "jsonl", "gzip", "schema applies to postgres destinations only.")]
    [InlineData("gcs", "default", "bucket", null, null, null, "jsonl", "gzip", "vendor must be 'azure_blob_storage', 'azure_table_storage' or 'postgres'.")]
    public void Validate_PostgresAndItsFields_AreCheckedPerVendor(
        string vendor, string connection, string? bucket, string? tablePrefix, string? pathPrefix, string? schema, string format, string compression, string? expectedError)
    {
        // Arrange
        var destination = new ExportDestination("dst_1", "n", vendor, connection, bucket, tablePrefix, pathPrefix, schema, format, compression, null, default, default);

        // Act
        var error = destination.Validate(s_storage);

        // Assert
        if (expectedError is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.NotNull(error);
            Assert.StartsWith(expectedError, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_PostgresSchemaOutsideThePrefixGrant_IsRefused()
    {
        // Arrange: the warehouse granted under the prefix acme_.
        var access = HostAccountAccess(new ConnectionGrant(Tenant, Warehouse, "acme_", ConnectionGrantSources.Api, null));
        var inside = new ExportDestination("dst_1", "n", ExportVendors.Postgres, Warehouse, null, null, null, "acme_sales", "jsonl", "gzip", null, default, default);

        // Act
        var insideError = inside.Validate(access);
        var outsideError = (inside with { Schema = "sales" }).Validate(access);

        // Assert
        Assert.Null(insideError);
        Assert.Equal("schema: On the PostgreSQL connection 'warehouse' this tenant may name only schemas that start with 'acme_'.", outsideError);
    }

    [Theory]
    [InlineData("orders", true)]
    [InlineData("order_lines_2", true)]
    [InlineData("Orders", false)]
    [InlineData("orderLines", false)]
    public void TableNameProblem_PostgresDestination_AcceptsOnlyLowerCaseModelNames(string model, bool valid)
    {
        // Arrange
        var destination = new ExportDestination("dst_1", "n", ExportVendors.Postgres, Warehouse, null, null, null, "sales", "jsonl", "gzip", null, default, default);

        // Act
        var problem = destination.TableNameProblem(model, s_storage);

        // Assert
        if (valid)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Equal(
                $"model '{model}' makes the table name '{model}' in schema 'sales', which postgres destinations do not accept (lower-case letters, digits and underscores, starting with a letter or underscore); choose a lower-case model name.",
                problem);
        }
    }

    // Tenant acme granted the whole host account and the warehouse, as the admin would, or the grants given.
    private static TenantStorageAccess HostAccountAccess(params ConnectionGrant[] grants)
    {
        var options = Mock.Of<IOptionsMonitor<TransfersOptions>>(o => o.CurrentValue == new TransfersOptions());
        var connections = new StorageConnections(s_configuration, options);
        var policy = new StorageAccessPolicy(connections, new PostgresConnections(s_configuration, options), new ConnectionGrantStore(connections, s_configuration, TimeProvider.System), s_configuration);
        return policy.ForTenant(
            Tenant,
            grants.Length > 0
                ? grants
                : [new ConnectionGrant(Tenant, StorageConnections.DefaultName, null, ConnectionGrantSources.Api, null), new ConnectionGrant(Tenant, Warehouse, null, ConnectionGrantSources.Api, null)]);
    }
}
