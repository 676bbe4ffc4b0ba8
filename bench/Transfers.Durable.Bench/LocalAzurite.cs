using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Transfers.Durable.Bench;

/// <summary>A fresh Azurite for one benchmark run: an empty store, so earlier data cannot slow it down.</summary>
internal sealed class LocalAzurite : IDisposable
{
    // Azurite's documented development account key.
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;
    private readonly string _location;

    private LocalAzurite(Process process, string location, string connectionString)
    {
        _process = process;
        _location = location;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>Starts Azurite on free ports.</summary>
    /// <param name="repositoryRoot">Where node_modules is.</param>
    /// <param name="inMemory">
    /// Keep the store in memory rather than on disk, where Azurite re-serializes every table every few seconds, a
    /// pause that grows with the rows written and that Azure Storage does not have.
    /// </param>
    public static async Task<LocalAzurite> StartAsync(string repositoryRoot, bool inMemory)
    {
        var script = Path.Combine(repositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}: run npm ci in the repository root, or set TRANSFERS_TEST_STORAGE.");
        }

        var location = Path.Combine(Path.GetTempPath(), "azurite-bench-" + Guid.NewGuid().ToString("N"));
        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var start = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        string[] store = inMemory ? ["--inMemoryPersistence"] : ["--location", location];
        string[] arguments = [script, "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose", .. store, "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}"];
        foreach (var arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 100 && !(CanConnect(table) && CanConnect(blob)); i++)
        {
            await Task.Delay(100);
        }

        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
        return new LocalAzurite(process, location, connection);
    }

    public void Dispose()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        if (Directory.Exists(_location))
        {
            Directory.Delete(_location, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
