using Microsoft.Extensions.DependencyInjection;

namespace Transfers.Core.DurableTask;

/// <summary>Registration of orchestrations and activities in DI.</summary>
public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Adds to the one <see cref="DurableTaskRegistry"/> of the container. Each family calls this with its own
    /// orchestrations and activities; the engine and the Functions app read the result.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Registers orchestrations and activities.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddDurableTasks(this IServiceCollection services, Action<DurableTaskRegistry> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(DurableTaskRegistry))?.ImplementationInstance as DurableTaskRegistry;
        if (registry is null)
        {
            registry = new DurableTaskRegistry();
            services.AddSingleton(registry);
        }

        configure(registry);
        return services;
    }
}
