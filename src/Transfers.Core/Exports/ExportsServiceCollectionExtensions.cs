using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transfers.Core.DurableTask;
using Transfers.Core.Reconciliation;

namespace Transfers.Core.Exports;

/// <summary>Registration of the Exports family.</summary>
public static class ExportsServiceCollectionExtensions
{
    /// <summary>Adds the Exports settings, stores, application service, orchestration and activities.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddExports(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ExportsOptions>().BindConfiguration(ExportsOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ExportsTables>();
        services.AddSingleton<ExportModelStore>();
        services.AddSingleton<ExportDestinationStore>();
        services.AddSingleton<ExportTransferStore>();
        services.AddSingleton<ExportWatermarkStore>();
        services.AddSingleton<ExportDebugLog>();
        services.AddSingleton<ExportsService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<FamilyReconciler, ExportsReconciler>());
        services.AddDurableTasks(r => r
            .AddOrchestrator<ExportTransferOrchestration>()
            .AddActivity<CheckExportTurnActivity>()
            .AddActivity<StartExportActivity>()
            .AddActivity<ExportChunkActivity>()
            .AddActivity<WriteExportManifestActivity>()
            .AddActivity<RecordExportModelResultActivity>()
            .AddActivity<FinishExportActivity>());
        return services;
    }
}
