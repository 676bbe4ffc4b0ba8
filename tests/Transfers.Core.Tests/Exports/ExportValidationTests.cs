using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Transfers.Core.Configuration;
using Transfers.Core.Exports;
using Transfers.Core.Storage;
using Transfers.Core.Tabular;

namespace Transfers.Core.Tests.Exports;

public sealed class ExportValidationTests
{
    private static readonly StorageConnections s_connections = new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }).Build(),
        Mock.Of<IOptionsMonitor<TransfersOptions>>(o => o.CurrentValue == new TransfersOptions()));

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
        var destination = new ExportDestination("dst_1", "n", vendor, "default", bucket, prefix, null, "jsonl", "gzip", null, default, default);

        var error = destination.Validate(s_connections);

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

        Assert.Null(model.Validate(s_connections));
    }
}
