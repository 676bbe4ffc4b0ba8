using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Transfers.Testing;

/// <summary>
/// A loopback port that forwards every connection to a target, and can be closed and opened again on the same port:
/// a storage endpoint that goes down and comes back, without stopping the storage the other tests use.
/// </summary>
public sealed class TcpRelay : IDisposable
{
    private readonly DnsEndPoint _target;
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;

    private TcpRelay(DnsEndPoint target, int port)
    {
        _target = target;
        Port = port;
    }

    /// <summary>Gets the loopback port the relay listens on.</summary>
    public int Port { get; }

    /// <summary>Starts a relay to a service address on a free loopback port.</summary>
    /// <param name="target">The address whose host and port connections go to.</param>
    /// <returns>The listening relay.</returns>
    public static TcpRelay Start(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var relay = new TcpRelay(new DnsEndPoint(target.Host, target.Port), port);
        relay.Open();
        return relay;
    }

    /// <summary>The same address with the relay's port: what a client uses to go through it.</summary>
    /// <param name="target">The target's address.</param>
    /// <returns>The address through the relay.</returns>
    public Uri Through(Uri target) => new UriBuilder(target) { Host = "127.0.0.1", Port = Port }.Uri;

    /// <summary>Listens again on the same port.</summary>
    public void Open()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _stop = new CancellationTokenSource();
        _ = AcceptAsync(listener, _stop.Token);
    }

    /// <summary>Stops listening and cuts every open connection: new ones are refused until <see cref="Open"/>.</summary>
    public void Close()
    {
        _stop?.Cancel();
        _listener?.Stop();
        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
        }

        _stop?.Dispose();
        _stop = null;
        _listener = null;
    }

    /// <inheritdoc/>
    public void Dispose() => Close();

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client, cancellationToken);
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var upstream = new TcpClient();
        _connections[client] = 0;
        _connections[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(_target.Host, _target.Port, cancellationToken);
            var down = client.GetStream();
            var up = upstream.GetStream();
            await Task.WhenAny(down.CopyToAsync(up, cancellationToken), up.CopyToAsync(down, cancellationToken));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // The relay was closed, or one side hung up: both connections end.
        }
        finally
        {
            _connections.TryRemove(client, out _);
            _connections.TryRemove(upstream, out _);
            client.Dispose();
        }
    }
}
