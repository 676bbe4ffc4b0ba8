using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transfers.Core.DurableTask;
using Transfers.DurableTask;

namespace Transfers.Functions;

/// <summary>The services the Functions host adds on top of the Transfers services the local host registers too.</summary>
public static class FunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the durable runner behind the orchestrator and activity functions, the API pipeline behind the HTTP
    /// functions, and the port's <see cref="IDurableClient"/> as <see cref="CurrentDurableClient"/>: a
    /// <see cref="DurableClientAdapter"/> over the <c>[DurableClient]</c> of the current HTTP function (replacing any
    /// other registration: on Azure, Durable Functions is the engine).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTransfersFunctions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDurableTasks(static _ => { });
        services.AddRouting();
        services.AddOptions<ApiRequestPipelineOptions>();
        services.TryAddSingleton<ApiRequestPipeline>();
        services.TryAddTransient<DurableTaskRunner>();
        services.Replace(ServiceDescriptor.Singleton<IDurableClient, CurrentDurableClient>());
        return services;
    }
}
