using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Transfers.Testing;

namespace Transfers.Api.Tests;

/// <summary>
/// What only the real server does before routing (a body past Kestrel's limit, dot segments resolved in the path),
/// against the host as a separate process: the in-memory test server does neither.
/// </summary>
public sealed class KestrelRequestTests(KestrelRequestTests.Host host) : IClassFixture<KestrelRequestTests.Host>
{
    [Fact]
    public async Task RaiseEvent_TwentyMegabyteBody_Returns413Problem()
    {
        // Arrange
        using var client = host.Process.CreateClient(Host.AdminKey);
        using var body = new ByteArrayContent(new byte[20 * 1024 * 1024]);
        body.Headers.ContentType = new("application/json");

        // The answer comes before the body is sent, as to curl: the server refuses it by its Content-Length.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/runtime/webhooks/durabletask/instances/some-instance/raiseEvent/go") { Content = body };
        request.Headers.ExpectContinue = true;

        // Act
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("at most 1 MiB", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/models/%2e%2e")]
    [InlineData("/models/%2E%2E/x")]
    [InlineData("/destinations/..")]
    public async Task ExportsPath_DotSegmentsResolvedAway_Returns404InExportsEnvelope(string target)
    {
        // Arrange
        var key = await host.TenantKeyAsync();

        // Act: the target exactly as written; a client library would resolve the dot segments itself.
        var (status, contentType, body) = await SendRawAsync($"GET {target} HTTP/1.1\r\nHost: localhost\r\nX-API-KEY: {key}\r\nConnection: close\r\n\r\n");

        // Assert
        Assert.Equal(404, status);
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        var envelope = JsonDocument.Parse(body).RootElement;
        Assert.Equal("error", envelope.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, envelope.GetProperty("data").ValueKind);
        Assert.Contains(target, envelope.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private async Task<(int Status, string ContentType, string Body)> SendRawAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.Process.BaseAddress.Host, host.Process.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var head = response[..response.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        var lines = head.Split("\r\n");
        var contentType = lines.FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?["Content-Type:".Length..].Trim() ?? string.Empty;
        var body = response[(head.Length + 4)..];
        if (lines.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            body = Unchunk(body);
        }

        return (int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), contentType, body);
    }

    private static string Unchunk(string chunked)
    {
        var text = new StringBuilder();
        var at = 0;
        while (true)
        {
            var end = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..end], 16);
            if (size == 0)
            {
                return text.ToString();
            }

            text.Append(chunked, end + 2, size);
            at = end + 2 + size + 2;
        }
    }

    /// <summary>One host process for the class.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public const string AdminKey = "test-admin-key";

        public HostProcess Process { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Process = await HostProcess.StartAsync(new Dictionary<string, string> { ["Transfers__Durable__HubName"] = Azurite.UniqueName("kestrel") }, AdminKey);

        public async Task<string> TenantKeyAsync()
        {
            using var admin = Process.CreateClient(AdminKey);
            using var response = await admin.PostAsync($"/admin/tenants/{Azurite.UniqueName("t")}/keys", null);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        }

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }
}
