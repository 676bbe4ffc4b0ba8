using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Reconciliation;
using Transfers.Core.Storage;
using Transfers.Core.Warehouse;

namespace Transfers.Core.Shares;

/// <summary>Registration of the Shares family.</summary>
public static class SharesServiceCollectionExtensions
{
    /// <summary>Adds the Shares settings, tables, stores, application service, orchestrations and activities.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddShares(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SharesOptions>()
            .BindConfiguration(SharesOptions.SectionName)
            .Validate(
                o => o.BatchSize is >= 1 and <= SharesOptions.MaxBatchSize,
                $"{SharesOptions.SectionName}:BatchSize must be between 1 and {SharesOptions.MaxBatchSize}.")
            .Validate(
                o => o.MaxTransfersPerShare is >= 1 and <= SharesOptions.MaxTransfersPerShareCeiling,
                $"{SharesOptions.SectionName}:MaxTransfersPerShare must be between 1 and {SharesOptions.MaxTransfersPerShareCeiling}.")
            .Validate(o => o.MaxSharesPerTenant >= 1, $"{SharesOptions.SectionName}:MaxSharesPerTenant must be at least 1.")
            .Validate(
                o => o.WarehouseChunkRows is >= 1 and <= PostgresShareTableLoader.ChunkRows,
                $"{SharesOptions.SectionName}:WarehouseChunkRows must be between 1 and {PostgresShareTableLoader.ChunkRows}.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SharesTables>();
        services.TryAddSingleton<ShareStore>();
        services.TryAddSingleton<FileSyncStore>();
        services.TryAddSingleton<SharesService>();
        services.TryAddSingleton<IShareTableLoader, TabularShareTableLoader>();
        services.TryAddSingleton(sp => new PostgresShareTableLoader(
            sp.GetRequiredService<IPostgresDataSources>(), sp.GetRequiredService<StorageConnections>(), sp.GetRequiredService<TimeProvider>())
        {
            RowsPerChunk = sp.GetRequiredService<IOptions<SharesOptions>>().Value.WarehouseChunkRows,
        });
        services.TryAddSingleton<PostgresShareRoles>();
        services.TryAddSingleton<ShareWarehouseAccess>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<FamilyReconciler, SharesReconciler>());
        services.AddDurableTasks(r => r
            .AddOrchestrator<FileSyncOrchestration>()
            .AddOrchestrator<TableSyncOrchestration>()
            .AddActivity<BeginShareFileSyncActivity>()
            .AddActivity<DiffShareSourcePageActivity>()
            .AddActivity<CopyShareFileBatchActivity>()
            .AddActivity<DeleteShareFileBatchActivity>()
            .AddActivity<PruneUnselectedShareFilesActivity>()
            .AddActivity<ReportShareFileSyncProgressActivity>()
            .AddActivity<CompleteShareCheckActivity>()
            .AddActivity<BeginShareTableSyncActivity>()
            .AddActivity<LoadShareTableChunkActivity>());
        return services;
    }
}
