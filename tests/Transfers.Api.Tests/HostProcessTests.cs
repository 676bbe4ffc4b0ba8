using System.Net;
using Transfers.Testing;

namespace Transfers.Api.Tests;

public sealed class HostProcessTests
{
    [Fact]
    public async Task StartAsync_SeparateProcess_ServesHealthAndStopsOnKill()
    {
        await using var host = await HostProcess.StartAsync();
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/health");
        await host.KillAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(host.IsRunning);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/health"));
    }
}
