using Transfers.Durable;
using Transfers.DurableTask.AzureStorage;

namespace Transfers.Host;

/// <summary>The engines the local host can run orchestrations on.</summary>
public enum DurableBackendKind
{
    /// <summary>The embedded engine of <c>Transfers.Durable</c>: tables only, fastest on Azurite; the default.</summary>
    Embedded,

    /// <summary>
    /// Durable Task's own engine on <c>AzureStorageOrchestrationService</c>: the engine and storage layout Durable
    /// Functions runs in Azure, through the same adapters as the Functions app.
    /// </summary>
    AzureStorage,
}

/// <summary>Chooses the durable backend from <c>Transfers:Durable:Backend</c> (<c>Transfers__Durable__Backend</c>).</summary>
public static class DurableBackend
{
    /// <summary>The configuration key.</summary>
    public const string ConfigurationKey = "Transfers:Durable:Backend";

    /// <summary>Reads the configured backend; unset is <see cref="DurableBackendKind.Embedded"/>.</summary>
    /// <param name="configuration">The application configuration.</param>
    /// <returns>The backend.</returns>
    /// <exception cref="InvalidOperationException">The setting names no backend.</exception>
    public static DurableBackendKind Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[ConfigurationKey];
        return string.IsNullOrWhiteSpace(value) ? DurableBackendKind.Embedded
            : Enum.TryParse<DurableBackendKind>(value, ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind
            : throw new InvalidOperationException($"{ConfigurationKey} is '{value}'; use {DurableBackendKind.Embedded} or {DurableBackendKind.AzureStorage}.");
    }

    /// <summary>Adds the configured backend: the port's client, the history reader and the engine's hosted services.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application configuration.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddDurableBackend(this IServiceCollection services, IConfiguration configuration) =>
        Resolve(configuration) == DurableBackendKind.AzureStorage
            ? services.AddDurableTaskAzureStorage(configuration)
            : services.AddDurableEngine(configuration);
}
