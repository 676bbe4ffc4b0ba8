using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Port = Transfers.Core.DurableTask;

namespace Transfers.DurableTask.AzureStorage;

/// <summary>
/// Durable Task's engine for this process, on one <see cref="AzureStorageOrchestrationService"/> (the Azure Storage
/// provider of Durable Functions):
/// <list type="bullet">
/// <item>the worker is Durable Task Core's <see cref="TaskHubWorker"/> (the dispatchers the Durable Functions host runs),
/// each registered Core orchestration and activity wrapped by the Durable Task SDK's <see cref="DurableTaskShimFactory"/>,
/// so the code runs against the SDK's real <c>TaskOrchestrationContext</c> through <see cref="DurableTaskRunner"/>;</item>
/// <item>the client is the SDK's gRPC <c>DurableTaskClient</c>, served on loopback HTTP/2 by the sidecar
/// <see cref="TaskHubGrpcServer"/> in its API-only mode over the same provider (<see cref="Channel"/>).</item>
/// </list>
/// Processes on one hub split its partitions between them, each with its own engine.
/// </summary>
/// <remarks>
/// The sidecar's own dispatcher is not used: it drops what an orchestration sends alongside <c>ContinueAsNew</c> (the
/// carried events) and never completed a sub-orchestration here. The sidecar runs in a host of its own, so that it also
/// works where the application has no real server (<c>WebApplicationFactory</c>). Register the engine as a hosted service
/// before anything that uses the client at start.
/// </remarks>
public sealed partial class DurableTaskEngine : IHostedService, IAsyncDisposable
{
    private readonly AzureStorageBackendOptions _options;
    private readonly Port.DurableTaskRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly int _port;
    private readonly CancellationTokenSource _stopping = new();
    private TaskHubWorker? _worker;
    private WebApplication? _sidecar;

    /// <summary>Initializes a new instance of the <see cref="DurableTaskEngine"/> class.</summary>
    /// <param name="options">The backend's settings.</param>
    /// <param name="registry">The port's orchestrations and activities.</param>
    /// <param name="services">The application's services, which orchestrations and activities are created from.</param>
    /// <param name="loggerFactory">The application's logging, which Durable Task logs to.</param>
    public DurableTaskEngine(IOptions<AzureStorageBackendOptions> options, Port.DurableTaskRegistry registry, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options.Value;
        _options.Validate();
        _registry = registry;
        _services = services;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<DurableTaskEngine>();
        Service = new AzureStorageOrchestrationService(CreateSettings(_options, loggerFactory));

        // The client is built from DI before the sidecar listens, so the address is fixed now: a free loopback port
        // (the channel connects on first use).
        _port = FreeLoopbackPort();
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_port}");
    }

    /// <summary>Gets the channel the Durable Task client uses.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>Gets the orchestration service: its history and instance tables, for reads the gRPC API does not offer.</summary>
    public AzureStorageOrchestrationService Service { get; }

    /// <summary>Creates the hub's tables, queues and containers if needed, starts the worker and the client's sidecar.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when both run.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Service.CreateIfNotExistsAsync();

        var worker = new TaskHubWorker(Service, _loggerFactory) { ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails };
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions(), _loggerFactory);
        foreach (var name in _registry.Orchestrators.Keys)
        {
            worker.AddTaskOrchestrations(new OrchestrationCreator(name, () => shims.CreateOrchestration<string?, string?>(name, RunOrchestrationAsync, parent: null)));
        }

        foreach (var name in _registry.Activities.Keys)
        {
            worker.AddTaskActivities(new NameValueObjectCreator<TaskActivity>(
                name, string.Empty, shims.CreateActivity<string?, string?>(name, (context, input) => RunActivityAsync(name, input, context.InstanceId))));
        }

        await worker.StartAsync();
        _worker = worker;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(DurableTaskEngine).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ILoggerFactory>(new SidecarLoggerFactory(_loggerFactory));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = _options.ShutdownTimeout);

        // The application's lifetime answers Ctrl-C and SIGTERM and stops this engine: the sidecar needs no signal
        // handlers or console messages of its own.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(Service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(Service);
        builder.Services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = TaskHubGrpcServerMode.ApiServerOnly);
        builder.Services.AddSingleton<ClientApiServer>();
        var sidecar = builder.Build();
        sidecar.MapGrpcService<ClientApiServer>();
        await sidecar.StartAsync(cancellationToken);
        _sidecar = sidecar;
        LogStarted(_logger, _options.HubName, _port);
    }

    /// <summary>
    /// Stops the worker within <see cref="AzureStorageBackendOptions.ShutdownTimeout"/>, forced, then the sidecar. Work cut
    /// off is not lost: its queue messages become visible again and run on the next process on the hub.
    /// </summary>
    /// <param name="cancellationToken">Shortens the wait.</param>
    /// <returns>A task that completes when both stopped or the time is up.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ShutdownTimeout);
        try
        {
            if (_worker is { } worker)
            {
                await worker.StopAsync(isForced: true).WaitAsync(timeout.Token);
            }

            if (_sidecar is { } sidecar)
            {
                await sidecar.StopAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Bounded on purpose: what still runs is abandoned to the queues.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_sidecar is { } sidecar)
        {
            await sidecar.DisposeAsync();
        }

        _worker?.Dispose();
        Channel.Dispose();
        _stopping.Dispose();
    }

    private async Task<string?> RunOrchestrationAsync(Microsoft.DurableTask.TaskOrchestrationContext context, string? input)
    {
        await using var scope = _services.CreateAsyncScope();
        return await new DurableTaskRunner(_registry, scope.ServiceProvider).RunOrchestrationAsync(context);
    }

    private async Task<string?> RunActivityAsync(string name, string? input, string instanceId)
    {
        await using var scope = _services.CreateAsyncScope();
        return await new DurableTaskRunner(_registry, scope.ServiceProvider).RunActivityAsync(name, input, instanceId, _stopping.Token);
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
        ControlQueueVisibilityTimeout = options.QueueVisibilityTimeout,
        WorkItemQueueVisibilityTimeout = options.QueueVisibilityTimeout,
        LoggerFactory = loggerFactory,

        // The partition manager tells workers apart by this id, which defaults to the machine name: processes on one
        // machine would all count as one worker and never balance the partitions between them.
        WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}",
    };

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Durable Task engine on Azure Storage: task hub {HubName}, client sidecar on 127.0.0.1:{Port}.")]
    private static partial void LogStarted(ILogger logger, string hubName, int port);

    /// <summary>The sidecar host's lifetime: none of its own, the application's lifetime starts and stops it.</summary>
    private sealed class EmbeddedHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// The application's logging for the sidecar host, without that host's lifetime messages: its "Now listening on" the
    /// loopback port would read as the application's address (run.sh prints that line as where Transfers serves).
    /// </summary>
    private sealed class SidecarLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName == "Microsoft.Hosting.Lifetime" ? NullLogger.Instance : inner.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        // The application owns the inner factory.
        public void Dispose()
        {
        }
    }

    /// <summary>A new orchestration shim per execution, as Durable Task Core asks its creators for.</summary>
    private sealed class OrchestrationCreator : ObjectCreator<TaskOrchestration>
    {
        private readonly Func<TaskOrchestration> _create;

        public OrchestrationCreator(string name, Func<TaskOrchestration> create)
        {
            Name = name;
            Version = string.Empty;
            _create = create;
        }

        public override TaskOrchestration Create() => _create();
    }
}
