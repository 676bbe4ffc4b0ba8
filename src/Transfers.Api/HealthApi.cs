using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Transfers.Core.Storage;

namespace Transfers.Api;

/// <summary>
/// The health route: ASP.NET Core health checks of the storage the host cannot work without, the tables and blobs of
/// its own account (<c>AzureWebJobsStorage</c>).
/// </summary>
public static class HealthApi
{
    /// <summary>How long a storage check may take before it counts as failed: well under a load balancer's probe timeout.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Adds the storage checks.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTransfersHealthChecks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHealthChecks()
            .Add(Registration("tables", "Listing the tables of AzureWebJobsStorage", (connections, ct) => connections.Tables().QueryAsync(maxPerPage: 1, cancellationToken: ct).AsPages(pageSizeHint: 1).FirstAsync(ct).AsTask()))
            .Add(Registration("blobs", "Listing the containers of AzureWebJobsStorage", (connections, ct) => connections.Blobs().GetBlobContainersAsync(cancellationToken: ct).AsPages(pageSizeHint: 1).FirstAsync(ct).AsTask()));
        return services;
    }

    /// <summary>
    /// Maps <c>GET /health</c>: 200 <c>{status:"healthy", checks}</c> while the host's storage answers, 503
    /// <c>{status:"unhealthy", checks}</c> naming the dependency that failed and why otherwise.
    /// </summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteAsync })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .WithTags("Health");
        return app;
    }

    private static HealthCheckRegistration Registration(string name, string operation, Func<StorageConnections, CancellationToken, Task> probe)
    {
        // The service calls the factory for every run: one instance per registration keeps the last result.
        StorageHealthCheck? check = null;
        return new(
            name,
            services => check ??= new StorageHealthCheck(services.GetRequiredService<StorageConnections>(), services.GetRequiredService<TimeProvider>(), operation, probe),
            HealthStatus.Unhealthy,
            tags: null);
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new
        {
            status = Status(report.Status),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = Status(e.Value.Status), description = e.Value.Description }),
        };
        return context.Response.WriteAsJsonAsync(body, JsonSerializerOptions.Web, context.RequestAborted);
    }

    private static string Status(HealthStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>
    /// One storage service of the host's own account. A result is kept for a second, so that many probes at once (a
    /// load balancer's, a monitor's) cost one storage request, not one each.
    /// </summary>
    private sealed class StorageHealthCheck(StorageConnections connections, TimeProvider time, string operation, Func<StorageConnections, CancellationToken, Task> probe) : IHealthCheck
    {
        private static readonly TimeSpan s_reuseFor = TimeSpan.FromSeconds(1);

        private (DateTimeOffset At, HealthCheckResult Result)? _last;

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (_last is { } last && time.GetUtcNow() - last.At < s_reuseFor)
            {
                return last.Result;
            }

            HealthCheckResult result;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CheckTimeout);
            try
            {
                await probe(connections, timeout.Token);
                result = HealthCheckResult.Healthy($"{operation} succeeded.");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The client retries a refused connection with back-off: an unreachable account ends here.
                result = HealthCheckResult.Unhealthy($"{operation} got no answer within {CheckTimeout.TotalSeconds:0} s: the storage service could not be reached.");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Only what failed, the status and the error code: never the SDK's text with its request details.
                result = HealthCheckResult.Unhealthy(StorageErrors.Describe(operation, e));
            }

            _last = (time.GetUtcNow(), result);
            return result;
        }
    }
}
