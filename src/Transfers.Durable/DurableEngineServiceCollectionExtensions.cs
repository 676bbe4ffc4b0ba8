using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transfers.Core.DurableTask;
using Transfers.Durable.Client;
using Transfers.Durable.Engine;
using Transfers.Durable.Storage;

namespace Transfers.Durable;

/// <summary>Registration of the embedded durable engine.</summary>
public static class DurableEngineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine: <see cref="IDurableClient"/> as a singleton and the worker as a hosted service. Options come
    /// from <c>Transfers:Durable</c>; the storage connection from <c>AzureWebJobsStorage</c> unless
    /// <c>Transfers:Durable:StorageConnection</c> is set; the hub name as <see cref="TaskHubName"/> resolves it. Orchestrations and activities are registered separately
    /// with <see cref="DurableTaskServiceCollectionExtensions.AddDurableTasks"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application configuration.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddDurableEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DurableEngineOptions>()
            .Bind(configuration.GetSection(DurableEngineOptions.SectionName))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.StorageConnection))
                {
                    o.StorageConnection = DurableStorageConnection.Resolve(configuration);
                }

                o.HubName = TaskHubName.Resolve(configuration);
            });
        services.AddDurableTasks(_ => { });
        services.AddLogging();
        services.TryAddSingleton<HubStore>();
        services.TryAddSingleton<DurableEngine>();
        services.TryAddSingleton<IDurableClient, DurableClient>();
        services.TryAddSingleton<IDurableHistory>(sp => new DurableHistory(sp.GetRequiredService<HubStore>()));
        services.AddHostedService(sp => sp.GetRequiredService<DurableEngine>());
        return services;
    }
}
