using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Transfers.Core.Tabular;

namespace Transfers.Core.Tests.Tabular;

public sealed class RowFileWriterTests
{
    private static readonly TableEntity[] s_rows =
    [
        new("p", "1") { ["name"] = "a,b \"c\"", ["n"] = 5, ["at"] = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), ["ok"] = true },
        new("p", "2") { ["name"] = "line\nbreak", ["n"] = 6L },
    ];

    [Fact]
    public async Task CompleteAsync_JsonlGzip_RoundTripsRowsAndHashesStoredBytes()
    {
        using var output = new MemoryStream();
        var writer = new RowFileWriter(output, RowFileFormat.Jsonl, RowFileCompression.Gzip);

        await writer.WriteAsync(s_rows);
        await writer.CompleteAsync();

        var stored = output.ToArray();
        Assert.Equal(stored.Length, writer.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), writer.Sha256);
        Assert.Equal(2, writer.Rows);
        using var gzip = new GZipStream(new MemoryStream(stored), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("a,b \"c\"", first.RootElement.GetProperty("name").GetString());
        Assert.Equal(5, first.RootElement.GetProperty("n").GetInt32());
        Assert.Equal("2024-01-02T03:04:05.0000000Z", first.RootElement.GetProperty("at").GetString());
        Assert.Equal("p", first.RootElement.GetProperty("PartitionKey").GetString());
    }

    [Fact]
    public async Task CompleteAsync_CsvWithColumns_WritesHeaderAndQuotesFields()
    {
        using var output = new MemoryStream();
        var writer = new RowFileWriter(output, RowFileFormat.Csv, RowFileCompression.None, ["RowKey", "name", "missing"]);

        await writer.WriteAsync(s_rows);
        await writer.CompleteAsync();

        Assert.Equal("RowKey,name,missing\r\n1,\"a,b \"\"c\"\"\",\r\n2,\"line\nbreak\",\r\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task CompleteAsync_NoRows_WritesEmptyHashedFile()
    {
        using var output = new MemoryStream();
        var writer = new RowFileWriter(output, RowFileFormat.Jsonl, RowFileCompression.None);

        await writer.CompleteAsync();

        Assert.Equal(0, writer.Rows);
        Assert.Equal(0, writer.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([])), writer.Sha256);
    }

    [Fact]
    public void Extension_FormatAndCompression_NamesFile()
    {
        Assert.Equal(".jsonl.gz", RowFileNames.Extension(RowFileFormat.Jsonl, RowFileCompression.Gzip));
        Assert.Equal(".csv", RowFileNames.Extension(RowFileFormat.Csv, RowFileCompression.None));
    }
}
