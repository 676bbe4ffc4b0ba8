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

    // Ownership family (docs/ownership.md).

    /// <summary><c>GET /v1/transfers/preview</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_PreviewTransfer")]
    public IActionResult OwnershipPreviewTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transfers/preview")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>POST /v1/transfers/invite</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_InviteTransfer")]
    public IActionResult OwnershipInviteTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/transfers/invite")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/transfers</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_ListOutboundTransfers")]
    public IActionResult OwnershipListOutboundTransfers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transfers")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/transfers/invited</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_ListInboundTransfers")]
    public IActionResult OwnershipListInboundTransfers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transfers/invited")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/transfers/{_id}</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_GetTransfer")]
    public IActionResult OwnershipGetTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transfers/{_id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>PUT /v1/transfers/{_id}/accept</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_AcceptTransfer")]
    public IActionResult OwnershipAcceptTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/transfers/{_id}/accept")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>PUT /v1/transfers/{_id}/dismiss</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_DismissTransfer")]
    public IActionResult OwnershipDismissTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/transfers/{_id}/dismiss")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>PUT /v1/transfers/{_id}/cancel</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_CancelTransfer")]
    public IActionResult OwnershipCancelTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/transfers/{_id}/cancel")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>DELETE /v1/transfers/{_id}</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_DeleteTransfer")]
    public IActionResult OwnershipDeleteTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/transfers/{_id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>POST /v1/{collection}</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_CreateResource")]
    public IActionResult OwnershipCreateResource(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/{collection:regex(^(integrations|flows|exports|imports|connections|filedefinitions|notifications|scripts|iclients|stacks|revisions|ediprofiles|syncs|datasets|lookupcaches|ialicenseinstalls)$)}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/{collection}</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_ListResources")]
    public IActionResult OwnershipListResources(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/{collection:regex(^(integrations|flows|exports|imports|connections|filedefinitions|notifications|scripts|iclients|stacks|revisions|ediprofiles|syncs|datasets|lookupcaches|ialicenseinstalls)$)}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/{collection}/{_id}</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="client">The durable client.</param>
    /// <returns>The API's response.</returns>
    [Function("Ownership_GetResource")]
    public IActionResult OwnershipGetResource(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/{collection:regex(^(integrations|flows|exports|imports|connections|filedefinitions|notifications|scripts|iclients|stacks|revisions|ediprofiles|syncs|datasets|lookupcaches|ialicenseinstalls)$)}/{_id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);
}
