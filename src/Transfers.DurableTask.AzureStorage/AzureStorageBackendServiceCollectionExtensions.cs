using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Port = Transfers.Core.DurableTask;

namespace Transfers.DurableTask.AzureStorage;

/// <summary>Registration of Durable Task's engine on Azure Storage as the durable backend.</summary>
public static class AzureStorageBackendServiceCollectionExtensions
{
    /// <summary>
    /// Adds the backend: the <see cref="DurableTaskSidecar"/> (a hosted service, started before the worker), the Durable
    /// Task worker with every orchestration and activity of the port's <see cref="Port.DurableTaskRegistry"/> mapped
    /// onto it through <see cref="DurableTaskRunner"/>, the Durable Task client, <see cref="IDurableClient"/> as the
    /// <see cref="DurableClientAdapter"/> over that client, and <see cref="IDurableHistory"/>. Settings come from
    /// <c>Transfers:Durable:AzureStorage</c>; the hub name as <see cref="TaskHubName"/> resolves it; the storage
    /// connection from <c>Transfers:Durable:StorageConnection</c>, else <c>AzureWebJobsStorage</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application configuration.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddDurableTaskAzureStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AzureStorageBackendOptions>()
            .Bind(configuration.GetSection(AzureStorageBackendOptions.SectionName))
            .PostConfigure(o =>
            {
                o.StorageConnection ??= configuration["Transfers:Durable:StorageConnection"] is { Length: > 0 } own ? own : configuration["AzureWebJobsStorage"];
                o.HubName = TaskHubName.Resolve(configuration);
            });
        services.AddDurableTasks(_ => { });
        services.AddLogging();
        services.TryAddSingleton<DurableTaskSidecar>();
        services.AddHostedService(sp => sp.GetRequiredService<DurableTaskSidecar>());

        services.AddDurableTaskWorker(worker => worker.UseGrpc());
        services.AddOptions<GrpcDurableTaskWorkerOptions>(Options.DefaultName).Configure<DurableTaskSidecar>((o, sidecar) => o.Channel = sidecar.Channel);
        services.AddOptions<Microsoft.DurableTask.DurableTaskRegistry>(Options.DefaultName)
            .Configure<Port.DurableTaskRegistry, IServiceProvider>(RegisterPortTasks);
        services.AddDurableTaskClient(client => client.UseGrpc());
        services.AddOptions<GrpcDurableTaskClientOptions>(Options.DefaultName).Configure<DurableTaskSidecar>((o, sidecar) => o.Channel = sidecar.Channel);

        services.TryAddSingleton<IDurableClient>(sp => new DurableClientAdapter(sp.GetRequiredService<DurableTaskClient>(), sp.GetRequiredService<Port.DurableTaskRegistry>()));
        services.TryAddSingleton<IDurableHistory, AzureStorageHistory>();
        return services;
    }

    /// <summary>
    /// One Durable Task orchestration and activity per name of the port's registry, each running the registered Core
    /// code through <see cref="DurableTaskRunner"/> in a DI scope of its own, as the Functions app's functions do.
    /// Values cross as <see cref="DurablePayload"/> strings.
    /// </summary>
    private static void RegisterPortTasks(Microsoft.DurableTask.DurableTaskRegistry tasks, Port.DurableTaskRegistry port, IServiceProvider services)
    {
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        foreach (var name in port.Orchestrators.Keys)
        {
            tasks.AddOrchestratorFunc<string?, string?>(name, async (context, _) =>
            {
                await using var scope = services.CreateAsyncScope();
                return await new DurableTaskRunner(port, scope.ServiceProvider).RunOrchestrationAsync(context);
            });
        }

        foreach (var name in port.Activities.Keys)
        {
            tasks.AddActivityFunc<string?, string?>(name, async (context, input) =>
            {
                await using var scope = services.CreateAsyncScope();
                return await new DurableTaskRunner(port, scope.ServiceProvider).RunActivityAsync(name, input, context.InstanceId, stopping);
            });
        }
    }
}
