using Transfers.Api.Auth;
using Transfers.Api.Shares;
using Transfers.Api.Exports;
using Transfers.Api.Monitor;
using Transfers.Api.Ownership;
using Transfers.Core;

namespace Transfers.Api;

/// <summary>Registration and mapping of the whole Transfers HTTP API, shared by every host.</summary>
public static class TransfersApiExtensions
{
    /// <summary>The largest request body any route accepts.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Adds the core services and what the endpoints need.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTransfersApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddTransfersCore();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddProblemDetails();
        services.AddTransfersHealthChecks();
        services.AddFamilyErrorEnvelope(ExportsResults.Family);
        services.AddFamilyErrorEnvelope(OwnershipResults.Family);
        services.AddFamilyErrorEnvelope(SharesResults.Family);
        return services;
    }

    /// <summary>Maps health, admin, every family's routes and the <c>/monitor</c> page.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapTransfersApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthApi();
        app.MapAdminApi();
        app.MapSharesApi();
        app.MapExportsApi();
        app.MapOwnershipApi();
        app.MapTransfersMonitor();
        return app;
    }
}
