using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Port = Transfers.Core.DurableTask;

namespace Transfers.DurableTask.AzureStorage;

/// <summary>Registration of Durable Task's engine on Azure Storage as the durable backend.</summary>
public static class AzureStorageBackendServiceCollectionExtensions
{
    /// <summary>
    /// Adds the backend: the <see cref="DurableTaskEngine"/> (a hosted service: Durable Task Core's worker running every
    /// orchestration and activity of the port's <see cref="Port.DurableTaskRegistry"/> through
    /// <see cref="DurableTaskRunner"/>, and the client's sidecar), the Durable Task client, <see cref="IDurableClient"/> as
    /// the <see cref="DurableClientAdapter"/> over that client, and <see cref="IDurableHistory"/>. Settings come from
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
                o.StorageConnection ??= DurableStorageConnection.Resolve(configuration);
                o.HubName = TaskHubName.Resolve(configuration);
            });
        services.AddDurableTasks(_ => { });
        services.AddLogging();
        services.TryAddSingleton<DurableTaskEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<DurableTaskEngine>());
        services.AddDurableTaskClient(client => client.UseGrpc());
        services.AddOptions<GrpcDurableTaskClientOptions>(Options.DefaultName).Configure<DurableTaskEngine>((o, engine) => o.Channel = engine.Channel);

        services.TryAddSingleton<IDurableClient>(sp => new DurableClientAdapter(sp.GetRequiredService<DurableTaskClient>(), sp.GetRequiredService<Port.DurableTaskRegistry>()));
        services.TryAddSingleton<IDurableHistory, AzureStorageHistory>();
        return services;
    }
}
