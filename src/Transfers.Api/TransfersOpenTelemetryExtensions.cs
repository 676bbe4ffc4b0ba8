using Microsoft.Extensions.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Transfers.Core.Telemetry;

namespace Transfers.Api;

/// <summary>
/// OpenTelemetry for Transfers: what to collect (<see cref="TransfersTelemetry"/>'s spans and metrics, with the HTTP
/// request spans they continue), and the OTLP export of the local host, on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// is set.
/// </summary>
public static class TransfersOpenTelemetryExtensions
{
    /// <summary>The standard setting that turns the OTLP export on.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Collects the HTTP request spans and the Transfers spans.</summary>
    /// <param name="tracing">The tracer provider builder.</param>
    /// <returns>The builder.</returns>
    public static TracerProviderBuilder AddTransfersInstrumentation(this TracerProviderBuilder tracing)
    {
        ArgumentNullException.ThrowIfNull(tracing);
        return tracing.AddAspNetCoreInstrumentation().AddSource(TransfersTelemetry.Name);
    }

    /// <summary>Collects the Transfers metrics.</summary>
    /// <param name="metrics">The meter provider builder.</param>
    /// <returns>The builder.</returns>
    public static MeterProviderBuilder AddTransfersInstrumentation(this MeterProviderBuilder metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics.AddMeter(TransfersTelemetry.Name);
    }

    /// <summary>
    /// Exports traces and metrics over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; the exporter reads the other
    /// standard <c>OTEL_EXPORTER_OTLP_*</c> and <c>OTEL_SERVICE_NAME</c> settings itself. Nothing is added otherwise.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The host's configuration (environment variables and settings).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTransfersOtlpExport(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "transfers"))
            .WithTracing(tracing => tracing.AddTransfersInstrumentation().AddOtlpExporter())
            .WithMetrics(metrics => metrics.AddTransfersInstrumentation().AddOtlpExporter());
        return services;
    }
}
