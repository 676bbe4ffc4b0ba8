using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transfers.Core.DurableTask;
using Transfers.Core.Reconciliation;

namespace Transfers.Core.Ownership;

/// <summary>Registration of the Ownership family.</summary>
public static class OwnershipServiceCollectionExtensions
{
    /// <summary>Adds the family's settings, stores, application service, orchestration and activities.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddOwnership(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<OwnershipOptions>().BindConfiguration(OwnershipOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<OwnershipTables>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<ResourceStore>();
        services.AddSingleton<OwnershipTransferStore>();
        services.AddSingleton<OwnershipService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<FamilyReconciler, OwnershipReconciler>());
        services.AddDurableTasks(r => r
            .AddOrchestrator<OwnershipTransferOrchestration>()
            .AddActivity<ExpireOwnershipInviteActivity>()
            .AddActivity<StartOwnershipTransferActivity>()
            .AddActivity<PlanOwnershipMovesActivity>()
            .AddActivity<MoveOwnershipChunkActivity>()
            .AddActivity<CompleteOwnershipTransferActivity>()
            .AddActivity<ReleaseOwnershipLocksActivity>());
        return services;
    }
}
