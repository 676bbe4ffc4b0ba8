using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Transfers.Functions;

/// <summary>What the Functions app serves through <see cref="ApiRequestPipeline"/>.</summary>
public sealed class ApiRequestPipelineOptions
{
    /// <summary>
    /// Gets or sets the middleware that runs before the endpoints (authentication, error envelopes), the same that the
    /// local host adds; none when <c>null</c>.
    /// </summary>
    public Action<IApplicationBuilder>? ConfigureMiddleware { get; set; }

    /// <summary>Gets or sets the mapping of the Transfers endpoints: the same call the local host makes.</summary>
    public Action<IEndpointRouteBuilder> MapEndpoints { get; set; } = static _ => { };
}

/// <summary>
/// Runs a request through the Transfers API's own ASP.NET Core endpoints, so that an HTTP function calls exactly the
/// endpoint logic the local host serves (no second implementation). The pipeline (routing, the configured middleware,
/// the mapped endpoints) is built once from the app's services.
/// </summary>
/// <remarks>
/// With <c>ConfigureFunctionsWebApplication</c> an HTTP function receives the real <see cref="HttpRequest"/>, and
/// <c>routePrefix</c> is empty in host.json, so the request path is the API path and the pipeline's routing finds the same
/// endpoint the local host would. The function returns an <see cref="IActionResult"/> that runs the pipeline on the
/// request's <see cref="HttpContext"/>, with the bound <see cref="DurableTaskClient"/> current in
/// <see cref="DurableClientScope"/>.
/// </remarks>
public sealed class ApiRequestPipeline
{
    private readonly RequestDelegate _pipeline;

    /// <summary>Initializes a new instance of the <see cref="ApiRequestPipeline"/> class.</summary>
    /// <param name="services">The root service provider.</param>
    /// <param name="options">The middleware and endpoints to serve.</param>
    public ApiRequestPipeline(IServiceProvider services, IOptions<ApiRequestPipelineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var app = new ApplicationBuilder(services);
        app.UseRouting();
        options.Value.ConfigureMiddleware?.Invoke(app);
        app.UseEndpoints(options.Value.MapEndpoints);
        _pipeline = app.Build();
    }

    /// <summary>Creates the result an HTTP function returns: running the request through the API's endpoints.</summary>
    /// <param name="request">The function's request.</param>
    /// <param name="client">The function's <c>[DurableClient]</c>.</param>
    /// <returns>The result that writes the endpoint's response.</returns>
    public IActionResult Handle(HttpRequest request, DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        return new PipelineResult(this, client);
    }

    private async Task InvokeAsync(HttpContext context, DurableTaskClient client)
    {
        using var scope = DurableClientScope.Enter(client);

        // The Functions host matched the function; let the API's routing match its own endpoint.
        context.SetEndpoint(null);
        await _pipeline(context);
    }

    private sealed class PipelineResult(ApiRequestPipeline pipeline, DurableTaskClient client) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => pipeline.InvokeAsync(context.HttpContext, client);
    }
}
