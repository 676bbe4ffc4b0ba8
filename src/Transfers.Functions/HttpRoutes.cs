using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Transfers.Functions;

/// <summary>
/// One HTTP function (<see cref="FunctionAttribute"/> with an <see cref="HttpTriggerAttribute"/> on the
/// <see cref="HttpRequest"/> and a <see cref="DurableClientAttribute"/> <see cref="DurableTaskClient"/>) per route of
/// the Transfers API. Each returns the <see cref="IActionResult"/> of <see cref="ApiRequestPipeline.Handle"/>, which runs the API's own
/// endpoint; the API authenticates
/// (<c>X-API-KEY</c>, bearer tokens, the admin key) itself, so the functions are anonymous at the Functions level.
/// </summary>
/// <remarks>
/// To add the route <c>POST /v1/shares</c>:
/// <code>
/// [Function("Shares_Create")]
/// public IActionResult SharesCreate(
///     [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/shares")] HttpRequest request,
///     [DurableClient] DurableTaskClient client) =&gt; api.Handle(request, client);
/// </code>
/// <c>Route</c> is the API's route template without the leading slash (host.json sets an empty route prefix), with the
/// same parameter names. Do not add the local host's <c>/runtime/webhooks/durabletask</c> management routes: the
/// Functions host serves those itself.
/// </remarks>
/// <param name="api">Runs the API's endpoints.</param>
public sealed class HttpRoutes(ApiRequestPipeline api)
{
    // Routes of the Transfers API, one function each, grouped by family. The API's /admin/... routes have no function:
    // the Functions host reserves routes that start with "admin" for its own admin API.

    /// <summary><c>GET /health</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Health")]
    public IActionResult Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);
}
