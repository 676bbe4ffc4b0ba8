using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Transfers.Testing;

/// <summary>
/// The local host (<c>Transfers.Host</c>) as a separate OS process on a free port, for crash tests: start it, drive it
/// over HTTP, SIGKILL it, start another on the same storage.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the host's base address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the OS process id, for measurements such as peak memory.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets a value indicating whether the process is still running.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Starts the host and waits until <c>/health</c> answers.</summary>
    /// <param name="settings">Settings passed as environment variables (use <c>__</c> for sections); the storage and admin key are set already.</param>
    /// <param name="adminKey">The admin key to configure.</param>
    /// <returns>The running host.</returns>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null, string adminKey = "test-admin-key")
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", $"\"{HostAssembly()}\"")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(HostAssembly())!,
        };
        start.Environment["Urls"] = baseAddress.ToString();
        start.Environment["AzureWebJobsStorage"] = Azurite.ConnectionString;
        start.Environment["Transfers__AdminApiKey"] = adminKey;
        start.Environment["Transfers__Reconcile__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The host process did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, baseAddress);
        using var client = host.CreateClient();
        await Eventually.MatchAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The host exited with code {process.ExitCode} during start-up.");
                }

                try
                {
                    return (await client.GetAsync("/health")).StatusCode;
                }
                catch (HttpRequestException)
                {
                    return HttpStatusCode.ServiceUnavailable;
                }
            },
            status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60));
        return host;
    }

    /// <summary>Creates a client on the host's address.</summary>
    /// <param name="apiKey">An <c>X-API-KEY</c> to send, if any.</param>
    /// <returns>The client.</returns>
    public HttpClient CreateClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-KEY", apiKey);
        }

        return client;
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs.</summary>
    /// <returns>A task that completes when the process is gone.</returns>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static string HostAssembly()
    {
        // The test projects build the host with the same configuration; find its output beside the sources.
        var configuration = typeof(HostProcess).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Transfers.Host", "bin", configuration, "net10.0", "Transfers.Host.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Build src/Transfers.Host first: its Transfers.Host.dll was not found above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
