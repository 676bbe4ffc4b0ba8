using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Transfers.Testing;

namespace Transfers.Api.Tests.Shares;

/// <summary>Source and destination containers of one test, and helpers to drive a share through the API.</summary>
public sealed class ShareFiles
{
    public ShareFiles()
    {
        Source = Azurite.Blobs.GetBlobContainerClient(Azurite.UniqueName("src"));
        Destination = Azurite.Blobs.GetBlobContainerClient(Azurite.UniqueName("dst"));
    }

    public BlobContainerClient Source { get; }

    public BlobContainerClient Destination { get; }

    public const string SourcePrefix = "provider/";

    public const string DestinationLatest = "consumer/latest/";

    public async Task WriteAsync(string path, string content)
    {
        // A single-shot upload gets a Content-MD5 from the service, which the copy's verification compares.
        await Source.GetBlobClient(SourcePrefix + path).UploadAsync(BinaryData.FromString(content), overwrite: true);
    }

    public Task DeleteAsync(string path) => Source.GetBlobClient(SourcePrefix + path).DeleteAsync();

    /// <summary>The destination's latest/ folder as path → content.</summary>
    public async Task<SortedDictionary<string, string>> ReadDestinationAsync()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!await Destination.ExistsAsync())
        {
            return files;
        }

        await foreach (var blob in Destination.GetBlobsAsync(new GetBlobsOptions { Prefix = DestinationLatest }))
        {
            var content = await Destination.GetBlobClient(blob.Name).DownloadContentAsync();
            files[blob.Name[DestinationLatest.Length..]] = content.Value.Content.ToString();
        }

        return files;
    }

    public static string Describe(IDictionary<string, string> files) => string.Join(", ", files.Select(f => $"{f.Key}={f.Value}"));

    public async Task<string> CreateShareAsync(HttpClient client)
    {
        await Source.CreateIfNotExistsAsync();
        using var response = await client.PostAsJsonAsync("/v1/shares", new
        {
            name = "e2e",
            source = new { container = Source.Name, prefix = SourcePrefix },
            destination = new { kind = "files", container = Destination.Name, prefix = "consumer" },
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> CreateTransferAsync(HttpClient client, string shareId, string[] pathNames, bool transferNow)
    {
        using var response = await client.PostAsJsonAsync($"/v1/shares/{shareId}/transfers", new
        {
            transferEntity = new { type = "files", pathNames },
            options = new { transferNow },
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> GetTransferAsync(HttpClient client, string shareId, string transferId) =>
        await client.GetFromJsonAsync<JsonElement>($"/v1/shares/{shareId}/transfers/{transferId}");

    /// <summary>Waits until the transfer has finished a check that started after <paramref name="after"/>.</summary>
    public static Task<JsonElement> WaitForCheckAfterAsync(HttpClient client, string shareId, string transferId, DateTimeOffset after) =>
        Eventually.MatchAsync(
            () => GetTransferAsync(client, shareId, transferId),
            t => t.GetProperty("status").GetString() == "synced" &&
                t.TryGetProperty("lastSync", out var last) && last.GetProperty("startedAt").GetDateTimeOffset() > after,
            TimeSpan.FromSeconds(90));
}
