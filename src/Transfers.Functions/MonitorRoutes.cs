using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Transfers.Functions;

/// <summary>
/// The <c>/monitor</c> page's files (the API's <c>MapTransfersMonitor</c>), served through the same pipeline as every
/// API route, as <see cref="HttpRoutes"/> does for the families.
/// </summary>
/// <param name="api">Runs the API's endpoints.</param>
public sealed class MonitorRoutes(ApiRequestPipeline api)
{
    /// <summary><c>GET /monitor</c>: the page.</summary>
    [Function("Monitor_Page")]
    public IActionResult MonitorPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "monitor")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /monitor/{*path}</c>: its scripts and styles.</summary>
    [Function("Monitor_Asset")]
    public IActionResult MonitorAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "monitor/{*path}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);
}
