using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transfers.Core.Configuration;
using Transfers.Core.Shares;
using Transfers.Core.Exports;
using Transfers.Core.Ownership;
using Transfers.Core.Reconciliation;
using Transfers.Core.Storage;
using Transfers.Core.Tenants;
using Transfers.Core.Warehouse;

namespace Transfers.Core;

/// <summary>
/// The one registration of Transfers' core services, shared by the local host and the Functions app so that both
/// run the same code with the same settings.
/// </summary>
public static class TransfersCoreServiceCollectionExtensions
{
    /// <summary>Adds options, storage connections, key stores, every family's orchestrations and activities, and the reconciler.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTransfersCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TransfersOptions>().BindConfiguration(TransfersOptions.SectionName);
        services.AddSingleton<StorageConnections>();
        services.AddSingleton<PostgresConnections>();
        services.AddSingleton<IPostgresDataSources>(sp => sp.GetRequiredService<PostgresConnections>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ConnectionGrantStore>();
        services.AddSingleton<StorageAccessPolicy>();
        services.AddSingleton<ApiKeyStore>();
        services.AddShares();
        services.AddExports();
        services.AddOwnership();
        services.AddOptions<ReconcileOptions>()
            .BindConfiguration(ReconcileOptions.SectionName)
            .Validate(o => !o.Enabled || o.Interval > TimeSpan.Zero, $"{ReconcileOptions.SectionName}:Interval must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TransferReconciler>();
        return services;
    }
}
