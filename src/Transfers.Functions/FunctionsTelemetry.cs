using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using Transfers.Api;

namespace Transfers.Functions;

/// <summary>OpenTelemetry of the Functions worker: the Transfers spans and metrics, to Application Insights and/or OTLP.</summary>
public static class FunctionsTelemetry
{
    /// <summary>The app setting the Bicep sets to the Application Insights resource's connection string.</summary>
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// Collects the worker's function invocation spans (which continue the Functions host's trace of the HTTP request or
    /// durable work item) with the Transfers spans and metrics, and exports them to Application Insights when its
    /// connection string is set and over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is; nothing is added with neither.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The app settings.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTransfersFunctionsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var azureMonitor = !string.IsNullOrWhiteSpace(configuration[ApplicationInsightsSetting]);
        var otlp = !string.IsNullOrWhiteSpace(configuration[TransfersOpenTelemetryExtensions.OtlpEndpointSetting]);
        if (!azureMonitor && !otlp)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddTransfersInstrumentation())
            .WithMetrics(metrics => metrics.AddTransfersInstrumentation());
        if (azureMonitor)
        {
            telemetry.UseAzureMonitorExporter(options => options.ConnectionString = configuration[ApplicationInsightsSetting]);
        }

        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
