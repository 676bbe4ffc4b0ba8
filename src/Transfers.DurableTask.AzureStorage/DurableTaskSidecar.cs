using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Transfers.DurableTask.AzureStorage;

/// <summary>
/// Durable Task's engine for this process: one <see cref="AzureStorageOrchestrationService"/> (the Azure Storage
/// provider of Durable Functions) behind the gRPC sidecar <see cref="TaskHubGrpcServer"/>, served by its own Kestrel on
/// loopback over HTTP/2. The Durable Task worker and client of the application connect to it through
/// <see cref="Channel"/>. One sidecar serves one worker, so every process runs its own; processes on one hub split the
/// hub's partitions between them.
/// </summary>
/// <remarks>
/// The sidecar runs in a host of its own, not on the application's Kestrel, so that it also works where the application
/// has no real server (<c>WebApplicationFactory</c>). Register it as a hosted service before the Durable Task worker:
/// it starts first and stops last.
/// </remarks>
public sealed partial class DurableTaskSidecar : IHostedService, IAsyncDisposable
{
    private readonly AzureStorageBackendOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly int _port;
    private WebApplication? _app;

    /// <summary>Initializes a new instance of the <see cref="DurableTaskSidecar"/> class.</summary>
    /// <param name="options">The backend's settings.</param>
    /// <param name="loggerFactory">The application's logging, which the sidecar and the provider log to.</param>
    public DurableTaskSidecar(IOptions<AzureStorageBackendOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options.Value;
        _options.Validate();
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<DurableTaskSidecar>();
        Service = new AzureStorageOrchestrationService(CreateSettings(_options, loggerFactory));

        // The worker and client are built from DI before the sidecar listens, so the address is fixed now: a free
        // loopback port (the channel connects lazily, and the worker retries until the sidecar answers).
        _port = FreeLoopbackPort();
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_port}");
    }

    /// <summary>Gets the channel the Durable Task worker and client use.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>Gets the orchestration service: its history and instance tables, for reads the gRPC API does not offer.</summary>
    public AzureStorageOrchestrationService Service { get; }

    /// <summary>Creates the hub's tables, queues and containers if needed and starts the sidecar.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the sidecar listens.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The sidecar starts the service only once a worker connects; clients may call before that.
        await Service.CreateIfNotExistsAsync();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(DurableTaskSidecar).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = _options.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(Service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(Service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken);
        _app = app;
        LogListening(_logger, _options.HubName, _port);
    }

    /// <summary>
    /// Stops the sidecar within <see cref="AzureStorageBackendOptions.ShutdownTimeout"/> and then the provider, forced:
    /// the sidecar on its own waits up to an hour for work in flight. Messages of cut-off work become visible again
    /// on the queues and run on the next process.
    /// </summary>
    /// <param name="cancellationToken">Shortens the wait.</param>
    /// <returns>A task that completes when both stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ShutdownTimeout);
        if (_app is { } app)
        {
            try
            {
                await app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Bounded on purpose: what is still running is abandoned to the queues.
            }
        }

        await Service.StopAsync(isForced: true);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.DisposeAsync();
        }

        Channel.Dispose();
    }

    private static AzureStorageOrchestrationServiceSettings CreateSettings(AzureStorageBackendOptions options, ILoggerFactory loggerFactory) => new()
    {
        StorageAccountClientProvider = new StorageAccountClientProvider(options.StorageConnection!),
        TaskHubName = options.HubName,
        PartitionCount = options.PartitionCount,
        MaxQueuePollingInterval = options.MaxQueuePollingInterval,
        MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
        MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,
        PartitionTableOperationTimeout = options.PartitionTableOperationTimeout,
        LoggerFactory = loggerFactory,
    };

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Durable Task engine on Azure Storage: task hub {HubName}, sidecar on 127.0.0.1:{Port}.")]
    private static partial void LogListening(ILogger logger, string hubName, int port);
}
