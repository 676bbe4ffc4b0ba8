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

    // Shares

    /// <summary><c>POST /v1/shares</c>.</summary>
    [Function("Shares_CreateShare")]
    public IActionResult SharesCreateShare(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/shares")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/shares</c>.</summary>
    [Function("Shares_ListShares")]
    public IActionResult SharesListShares(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/shares")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/shares/{shareId}</c>.</summary>
    [Function("Shares_GetShare")]
    public IActionResult SharesGetShare(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/shares/{shareId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>PUT /v1/shares/{shareId}/destination</c>.</summary>
    [Function("Shares_SetDestination")]
    public IActionResult SharesSetDestination(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/shares/{shareId}/destination")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>DELETE /v1/shares/{shareId}</c>.</summary>
    [Function("Shares_DeleteShare")]
    public IActionResult SharesDeleteShare(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/shares/{shareId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>POST /v1/shares/{shareId}/credentials</c>.</summary>
    [Function("Shares_IssueCredentials")]
    public IActionResult SharesIssueCredentials(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/shares/{shareId}/credentials")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>POST /v1/shares/{shareId}/transfers</c>.</summary>
    [Function("Shares_CreateTransfer")]
    public IActionResult SharesCreateTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/shares/{shareId}/transfers")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/shares/{shareId}/transfers</c>.</summary>
    [Function("Shares_ListTransfers")]
    public IActionResult SharesListTransfers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/shares/{shareId}/transfers")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/shares/{shareId}/transfers/{transferId}</c>.</summary>
    [Function("Shares_GetTransfer")]
    public IActionResult SharesGetTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/shares/{shareId}/transfers/{transferId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>PUT /v1/shares/{shareId}/transfers/{transferId}</c>.</summary>
    [Function("Shares_UpdateTransfer")]
    public IActionResult SharesUpdateTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/shares/{shareId}/transfers/{transferId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>POST /v1/shares/{shareId}/transfers/{transferId}/start</c>.</summary>
    [Function("Shares_StartTransfer")]
    public IActionResult SharesStartTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/shares/{shareId}/transfers/{transferId}/start")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>POST /v1/shares/{shareId}/transfers/{transferId}/pause</c>.</summary>
    [Function("Shares_PauseTransfer")]
    public IActionResult SharesPauseTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/shares/{shareId}/transfers/{transferId}/pause")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>DELETE /v1/shares/{shareId}/transfers/{transferId}</c>.</summary>
    [Function("Shares_CancelTransfer")]
    public IActionResult SharesCancelTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/shares/{shareId}/transfers/{transferId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    // Exports

    /// <summary><c>POST /models</c>.</summary>
    [Function("Exports_CreateModel")]
    public IActionResult ExportsCreateModel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /models</c>.</summary>
    [Function("Exports_ListModels")]
    public IActionResult ExportsListModels(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /models/{model_name}</c>.</summary>
    [Function("Exports_GetModel")]
    public IActionResult ExportsGetModel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{model_name}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>DELETE /models/{model_name}</c>.</summary>
    [Function("Exports_DeleteModel")]
    public IActionResult ExportsDeleteModel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "models/{model_name}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>POST /destinations</c>.</summary>
    [Function("Exports_CreateDestination")]
    public IActionResult ExportsCreateDestination(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "destinations")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /destinations</c>.</summary>
    [Function("Exports_ListDestinations")]
    public IActionResult ExportsListDestinations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "destinations")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /destinations/{destination_id}</c>.</summary>
    [Function("Exports_GetDestination")]
    public IActionResult ExportsGetDestination(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "destinations/{destination_id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>PATCH /destinations/{destination_id}</c>.</summary>
    [Function("Exports_UpdateDestination")]
    public IActionResult ExportsUpdateDestination(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "destinations/{destination_id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>DELETE /destinations/{destination_id}</c>.</summary>
    [Function("Exports_DeleteDestination")]
    public IActionResult ExportsDeleteDestination(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "destinations/{destination_id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>POST /destinations/{destination_id}/transfer</c>.</summary>
    [Function("Exports_CreateTransfer")]
    public IActionResult ExportsCreateTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "destinations/{destination_id}/transfer")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /transfers</c>.</summary>
    [Function("Exports_ListTransfers")]
    public IActionResult ExportsListTransfers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "transfers")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /transfers/{transfer_id}</c>.</summary>
    [Function("Exports_GetTransfer")]
    public IActionResult ExportsGetTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "transfers/{transfer_id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>POST /transfers/{transfer_id}/cancel</c>.</summary>
    [Function("Exports_CancelTransfer")]
    public IActionResult ExportsCancelTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "transfers/{transfer_id}/cancel")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /transfers/{transfer_id}/logs</c>.</summary>
    [Function("Exports_GetTransferLogs")]
    public IActionResult ExportsGetTransferLogs(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "transfers/{transfer_id}/logs")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    // Ownership

    /// <summary><c>GET /v1/transfers/preview</c>.</summary>
    [Function("Ownership_Preview")]
    public IActionResult OwnershipPreview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transfers/preview")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>POST /v1/transfers/invite</c>.</summary>
    [Function("Ownership_Invite")]
    public IActionResult OwnershipInvite(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/transfers/invite")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/transfers</c>.</summary>
    [Function("Ownership_ListOutbound")]
    public IActionResult OwnershipListOutbound(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transfers")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/transfers/invited</c>.</summary>
    [Function("Ownership_ListInbound")]
    public IActionResult OwnershipListInbound(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transfers/invited")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/transfers/{_id}</c>.</summary>
    [Function("Ownership_GetTransfer")]
    public IActionResult OwnershipGetTransfer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/transfers/{_id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>PUT /v1/transfers/{_id}/accept</c>.</summary>
    [Function("Ownership_Accept")]
    public IActionResult OwnershipAccept(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/transfers/{_id}/accept")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>PUT /v1/transfers/{_id}/dismiss</c>.</summary>
    [Function("Ownership_Dismiss")]
    public IActionResult OwnershipDismiss(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/transfers/{_id}/dismiss")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>PUT /v1/transfers/{_id}/cancel</c>.</summary>
    [Function("Ownership_Cancel")]
    public IActionResult OwnershipCancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/transfers/{_id}/cancel")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>DELETE /v1/transfers/{_id}</c>.</summary>
    [Function("Ownership_Delete")]
    public IActionResult OwnershipDelete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/transfers/{_id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>POST /v1/{collection}</c>.</summary>
    [Function("Ownership_CreateResource")]
    public IActionResult OwnershipCreateResource(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/{collection}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/{collection}</c>.</summary>
    [Function("Ownership_ListResources")]
    public IActionResult OwnershipListResources(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/{collection}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);

    /// <summary><c>GET /v1/{collection}/{_id}</c>.</summary>
    [Function("Ownership_GetResource")]
    public IActionResult OwnershipGetResource(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/{collection}/{_id}")] HttpRequest request,
        [DurableClient] DurableTaskClient client) => api.Handle(request, client);
}
