using System.Text.Json;
using System.Text.Json.Nodes;
using Transfers.Core.Ownership;

namespace Transfers.Api.Ownership;

/// <summary>
/// The Ownership family's transfer routes under <c>/v1/transfers</c>, exactly as the seed has them, behind the bearer
/// filter; plus the family's resource routes and admin user routes. Handlers are public so the Functions app's HTTP
/// triggers can call the same code.
/// </summary>
public static class OwnershipApi
{
    private const int MaxIntegrationIds = 1000;

    private enum Party
    {
        Owner,
        Invitee,
    }

    /// <summary>Maps every route of the family.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapOwnershipApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var v1 = app.MapGroup("/v1").RequireOwnershipBearer().WithTags("Ownership");
        var transfers = v1.MapGroup("/transfers");
        transfers.MapGet("/preview", PreviewAsync);
        transfers.MapPost("/invite", InviteAsync);
        transfers.MapGet("/", ListOutboundAsync);
        transfers.MapGet("/invited", ListInboundAsync);
        transfers.MapGet("/{_id}", GetTransferAsync);
        transfers.MapPut("/{_id}/accept", AcceptAsync);
        transfers.MapPut("/{_id}/dismiss", DismissAsync);
        transfers.MapPut("/{_id}/cancel", CancelAsync);
        transfers.MapDelete("/{_id}", DeleteAsync);
        v1.MapOwnershipResources();
        app.MapOwnershipUsers();
        return app;
    }

    /// <summary><c>GET /v1/transfers/preview?email&amp;_integrationIds</c>: what an invitation would transfer.</summary>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with a <c>PreviewResponse</c>, 204 when nothing would move, or 400.</returns>
    public static async Task<IResult> PreviewAsync(HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var caller = OwnershipCaller.Of(request.HttpContext);
        string? email = request.Query["email"];
        string? idsText = request.Query["_integrationIds"];
        var errors = new List<FieldError>();
        if (await CheckEmailAsync(email, caller, services, cancellationToken) is { } emailError)
        {
            errors.Add(emailError);
        }

        IReadOnlyList<string>? ids = null;
        if (string.IsNullOrEmpty(idsText))
        {
            errors.Add(new FieldError("missing_required_field", "_integrationIds is required: a JSON array of integration ids, with \"none\" for standalone flows.", "_integrationIds"));
        }
        else
        {
            JsonNode? parsed = null;
            try
            {
                parsed = JsonNode.Parse(idsText);
            }
            catch (JsonException)
            {
                // Reported below with the other malformed values.
            }

            if (ReadIntegrationIds(parsed, out ids) is { } idsError)
            {
                errors.Add(idsError);
            }
        }

        if (errors.Count > 0)
        {
            return OwnershipResults.BadRequest(errors);
        }

        var (closure, selectionError) = await SelectAsync(caller.UserId, ids!, account: false, services, cancellationToken);
        if (selectionError is not null)
        {
            return OwnershipResults.BadRequest([selectionError]);
        }

        if (closure!.Count == 0)
        {
            return TypedResults.NoContent();
        }

        var preview = new JsonObject();
        foreach (var (collection, resources) in closure)
        {
            preview[collection] = new JsonArray([.. resources.Select(r => JsonNode.Parse(r.Document))]);
        }

        return OwnershipResults.Json(preview);
    }

    /// <summary><c>POST /v1/transfers/invite</c>: invites a user to take ownership of integrations or the whole account.</summary>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>201 with the <c>Transfer</c>, 400 or 404.</returns>
    public static async Task<IResult> InviteAsync(HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var caller = OwnershipCaller.Of(request.HttpContext);
        var (body, bodyError) = await OwnershipJson.ReadObjectAsync(request, cancellationToken: cancellationToken);
        if (bodyError is not null)
        {
            return OwnershipResults.BadRequest([bodyError]);
        }

        var errors = OwnershipJson.UnknownFields(body!, "email", "_integrationIds", "account").ToList();
        if (OwnershipJson.TryGetString(body!, "email", out var email) is { } typeError)
        {
            errors.Add(typeError);
        }
        else if (await CheckEmailAsync(email, caller, services, cancellationToken) is { } emailError)
        {
            errors.Add(emailError);
        }

        var account = false;
        if (body!["account"] is { } accountNode)
        {
            if (accountNode.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add(new FieldError("invalid_type", "'account' must be a boolean.", "account"));
            }
            else
            {
                account = accountNode.GetValue<bool>();
            }
        }

        IReadOnlyList<string>? ids = null;
        if (body["_integrationIds"] is { } idsNode && ReadIntegrationIds(idsNode, out ids) is { } idsError)
        {
            errors.Add(idsError);
        }

        if (errors.Count == 0 && (ids is null) == !account)
        {
            errors.Add(new FieldError(
                "invalid_request",
                account ? "Give either _integrationIds or account: true, not both." : "Give either _integrationIds or account: true.",
                "_integrationIds"));
        }

        if (errors.Count > 0)
        {
            return OwnershipResults.BadRequest(errors);
        }

        var invitee = await services.Users.FindByEmailAsync(email!, cancellationToken);
        if (invitee is null)
        {
            return OwnershipResults.NotFound($"No user with the e-mail address {email} exists.");
        }

        var (closure, selectionError) = await SelectAsync(caller.UserId, ids ?? [], account, services, cancellationToken);
        if (selectionError is not null)
        {
            return OwnershipResults.BadRequest([selectionError]);
        }

        var resources = closure!.SelectMany(c => c.Value.Select(r => new TransferResourceRef(c.Key, r.Id, r.Name))).ToList();
        if (resources.Count > services.Options.CurrentValue.MaxResourcesPerTransfer)
        {
            return OwnershipResults.BadRequest(
                "too_many_resources",
                $"The transfer would move {resources.Count} resources; at most {services.Options.CurrentValue.MaxResourcesPerTransfer} are allowed in one transfer.");
        }

        if (!account && ids!.Contains(ResourceCollections.Standalone))
        {
            resources.Add(new TransferResourceRef(ResourceCollections.Integrations, ResourceCollections.Standalone, null));
        }

        var options = services.Options.CurrentValue;
        var now = services.Time.GetUtcNow();
        var transfer = new OwnershipTransfer
        {
            Id = ObjectIds.NewId(now),
            OwnerId = caller.UserId,
            ToUserId = invitee.Id,
            Status = OwnershipTransferStatus.Unapproved,
            Account = account,
            CreatedAt = now,
            LastModified = now,
            ExpiresAt = now + options.InviteTtl,
            IntegrationIds = account ? [] : ids!,
        };
        if (await services.Transfers.CreateAsync(transfer, resources, cancellationToken) is { } held)
        {
            return OwnershipResults.BadRequest(
                "already_in_transfer",
                held == "account"
                    ? "The whole account is in another open transfer; cancel it first."
                    : $"Integration {held} is in another open transfer; cancel it first, or wait until it ends.",
                "_integrationIds");
        }

        try
        {
            await OwnershipTransferOrchestration.TryScheduleAsync(services.Durable, transfer, options, cancellationToken);
        }
        catch
        {
            // Without its orchestration the invitation could never end: close it and free its integrations.
            await services.Transfers.TryUpdateAsync(transfer.Id, t => t with { Status = OwnershipTransferStatus.Canceled }, CancellationToken.None);
            await services.Transfers.ReleaseLocksAsync(transfer, CancellationToken.None);
            throw;
        }

        return OwnershipResults.Json(TransferViews.Build(transfer, resources, []), StatusCodes.Status201Created);
    }

    /// <summary><c>GET /v1/transfers</c>: the caller's outbound transfers, each with <c>transferToUser</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with a page, 204 when empty, or 400.</returns>
    public static Task<IResult> ListOutboundAsync(HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = OwnershipCaller.Of(request.HttpContext);
        return ListAsync(request, services, TransferStore.Outbound(caller.UserId), "transferToUser", t => t.ToUserId, cancellationToken);
    }

    /// <summary><c>GET /v1/transfers/invited</c>: the transfers offered to the caller, each with <c>ownerUser</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with a page, 204 when empty, or 400.</returns>
    public static Task<IResult> ListInboundAsync(HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = OwnershipCaller.Of(request.HttpContext);
        return ListAsync(request, services, TransferStore.Inbound(caller.UserId), "ownerUser", t => t.OwnerId, cancellationToken);
    }

    /// <summary><c>GET /v1/transfers/{_id}</c>: one transfer the caller sent or received.</summary>
    /// <param name="id">The transfer id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>200 with the <c>Transfer</c>, or 404.</returns>
    public static async Task<IResult> GetTransferAsync(
        [FromRoute(Name = "_id")] string id, HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var transfer = await FindVisibleAsync(id, OwnershipCaller.Of(request.HttpContext), services, cancellationToken);
        return transfer is null
            ? NotFound(id)
            : OwnershipResults.Json(await TransferViews.BuildAsync(transfer, services.Transfers, cancellationToken));
    }

    /// <summary><c>PUT /v1/transfers/{_id}/accept</c>: the invitee accepts; the resources start moving.</summary>
    /// <param name="id">The transfer id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>204, 400 or 404.</returns>
    public static Task<IResult> AcceptAsync(
        [FromRoute(Name = "_id")] string id, HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken) =>
        AnswerAsync(
            id, request, services, Party.Invitee, "accept",
            t => t with { Status = OwnershipTransferStatus.Queued, Accepted = true },
            OwnershipEvents.Accepted, userId => new InviteAccepted(userId), cancellationToken);

    /// <summary><c>PUT /v1/transfers/{_id}/dismiss</c>: the invitee declines; the transfer is canceled.</summary>
    /// <param name="id">The transfer id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>204, 400 or 404.</returns>
    public static Task<IResult> DismissAsync(
        [FromRoute(Name = "_id")] string id, HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken) =>
        AnswerAsync(
            id, request, services, Party.Invitee, "dismiss",
            t => t with { Status = OwnershipTransferStatus.Canceled, Dismissed = true },
            OwnershipEvents.Dismissed, userId => new InviteDismissed(userId), cancellationToken);

    /// <summary><c>PUT /v1/transfers/{_id}/cancel</c>: the owner withdraws an invitation before it is accepted.</summary>
    /// <param name="id">The transfer id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>204, 400 or 404.</returns>
    public static Task<IResult> CancelAsync(
        [FromRoute(Name = "_id")] string id, HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken) =>
        AnswerAsync(
            id, request, services, Party.Owner, "cancel",
            t => t with { Status = OwnershipTransferStatus.Canceled },
            OwnershipEvents.Canceled, userId => new InviteCanceled(userId), cancellationToken);

    /// <summary><c>DELETE /v1/transfers/{_id}</c>: the owner deletes a <c>done</c> or <c>canceled</c> transfer.</summary>
    /// <param name="id">The transfer id.</param>
    /// <param name="request">The request.</param>
    /// <param name="services">The family's services.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>204, 400 or 404.</returns>
    public static async Task<IResult> DeleteAsync(
        [FromRoute(Name = "_id")] string id, HttpRequest request, [AsParameters] OwnershipServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var caller = OwnershipCaller.Of(request.HttpContext);
        var transfer = await FindVisibleAsync(id, caller, services, cancellationToken);
        if (transfer is null)
        {
            return NotFound(id);
        }

        if (transfer.OwnerId != caller.UserId)
        {
            return OwnershipResults.BadRequest("invalid_operation", "Only the user who sent the transfer can delete it.");
        }

        if (transfer.Status is not (OwnershipTransferStatus.Done or OwnershipTransferStatus.Canceled))
        {
            return OwnershipResults.BadRequest(
                "invalid_state",
                $"The transfer is {TransferViews.Status(transfer.Status)}; only done or canceled transfers can be deleted.");
        }

        await services.Transfers.DeleteAsync(transfer, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ListAsync(
        HttpRequest request,
        OwnershipServices services,
        string indexPartition,
        string embeddedUser,
        Func<OwnershipTransfer, string> embeddedUserId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!ListProjection.TryParse(request.Query, out var projection, out var projectionError))
        {
            return OwnershipResults.InvalidQuery(projectionError!);
        }

        if (!ListPaging.TryParse(request.Query, services.Options.CurrentValue, out var paging, out var pagingError))
        {
            return OwnershipResults.InvalidQuery(pagingError!);
        }

        var (transfers, hasMore) = await services.Transfers.ListAsync(indexPartition, paging.After, paging.PageSize, cancellationToken);
        if (transfers.Count == 0)
        {
            return TypedResults.NoContent();
        }

        var users = new Dictionary<string, OwnershipUser?>(StringComparer.Ordinal);
        var page = new JsonArray();
        foreach (var transfer in transfers)
        {
            var userId = embeddedUserId(transfer);
            if (!users.TryGetValue(userId, out var user))
            {
                users[userId] = user = await services.Users.GetAsync(userId, cancellationToken);
            }

            var json = await TransferViews.BuildAsync(transfer, services.Transfers, cancellationToken);
            json[embeddedUser] = TransferViews.UserSummary(user, userId);
            page.Add(projection?.Apply(json, TransferViews.AlwaysOn) ?? json);
        }

        if (hasMore)
        {
            ListPaging.AddNextLink(request.HttpContext, transfers[^1].Id);
        }

        return OwnershipResults.Json(page);
    }

    private static async Task<IResult> AnswerAsync<TPayload>(
        string id,
        HttpRequest request,
        OwnershipServices services,
        Party party,
        string verb,
        Func<OwnershipTransfer, OwnershipTransfer> answer,
        string eventName,
        Func<string, TPayload> payload,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var caller = OwnershipCaller.Of(request.HttpContext);
        var transfer = await FindVisibleAsync(id, caller, services, cancellationToken);
        if (transfer is null)
        {
            return NotFound(id);
        }

        if ((party == Party.Owner ? transfer.OwnerId : transfer.ToUserId) != caller.UserId)
        {
            return OwnershipResults.BadRequest(
                "invalid_operation",
                party == Party.Owner ? $"Only the user who sent the transfer can {verb} it." : $"Only the invited user can {verb} the transfer.");
        }

        var now = services.Time.GetUtcNow();
        var (current, changed) = await services.Transfers.TryUpdateAsync(
            id,
            t => t.Status == OwnershipTransferStatus.Unapproved && now < t.ExpiresAt ? answer(t) with { LastModified = now } : null,
            cancellationToken);
        if (!changed)
        {
            return current is null
                ? NotFound(id)
                : OwnershipResults.BadRequest(
                    "invalid_state",
                    current.Status == OwnershipTransferStatus.Unapproved
                        ? $"The invitation expired at {TransferViews.Date(current.ExpiresAt)}; it can no longer be {verb}ed."
                        : $"The transfer is {TransferViews.Status(current.Status)}; only an unapproved transfer can be {verb}ed.");
        }

        // The record already holds the answer; the event only wakes the orchestration, which reads the record if
        // the event is lost and the invitation expires. An invitation whose orchestration is not running (the host
        // stopped between the record and the schedule) gets one first, so that the answer is acted on now.
        await OwnershipTransferOrchestration.TryScheduleAsync(services.Durable, current!, services.Options.CurrentValue, cancellationToken);
        await services.Durable.RaiseEventAsync(OwnershipTransferOrchestration.InstanceIdFor(id), eventName, payload(caller.UserId), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<(IReadOnlyDictionary<string, IReadOnlyList<OwnedResource>>? Closure, FieldError? Error)> SelectAsync(
        string ownerId, IReadOnlyList<string> integrationIds, bool account, OwnershipServices services, CancellationToken cancellationToken)
    {
        var owned = await services.Resources.ListAllAsync(ownerId, cancellationToken);
        if (!account)
        {
            var integrations = owned.Where(r => r.Collection == ResourceCollections.Integrations).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var unknown = integrationIds.Where(i => i != ResourceCollections.Standalone && !integrations.Contains(i)).ToList();
            if (unknown.Count > 0)
            {
                return (null, new FieldError("invalid_ref", $"These integrations do not exist or are not yours: {string.Join(", ", unknown)}.", "_integrationIds"));
            }
        }

        return (TransferClosure.Compute(owned, integrationIds, account), null);
    }

    private static FieldError? ReadIntegrationIds(JsonNode? node, out IReadOnlyList<string>? ids)
    {
        ids = null;
        if (node is not JsonArray array || array.Any(i => i?.GetValueKind() != JsonValueKind.String))
        {
            return new FieldError("invalid_type", "_integrationIds must be a JSON array of integration ids (strings), with \"none\" for standalone flows.", "_integrationIds");
        }

        var values = array.Select(i => i!.GetValue<string>()).Distinct(StringComparer.Ordinal).ToList();
        if (values.Count == 0 || values.Count > MaxIntegrationIds)
        {
            return new FieldError("invalid_value", $"_integrationIds must hold 1 to {MaxIntegrationIds} ids.", "_integrationIds");
        }

        if (values.FirstOrDefault(v => v != ResourceCollections.Standalone && !ObjectIds.IsValid(v)) is { } malformed)
        {
            return new FieldError("invalid_ref", $"'{malformed}' is not an integration id (24 lower-case hex characters) or \"none\".", "_integrationIds");
        }

        ids = values;
        return null;
    }

    private static async Task<FieldError?> CheckEmailAsync(string? email, OwnershipCaller caller, OwnershipServices services, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(email))
        {
            return new FieldError("missing_required_field", "email is required.", "email");
        }

        if (!UserStore.IsValidEmail(email))
        {
            return new FieldError("invalid_value", $"'{email}' is not a valid e-mail address.", "email");
        }

        var self = await services.Users.GetAsync(caller.UserId, cancellationToken);
        return string.Equals(self?.Email, email, StringComparison.OrdinalIgnoreCase)
            ? new FieldError("invalid_value", "You cannot transfer to yourself.", "email")
            : null;
    }

    private static async Task<OwnershipTransfer?> FindVisibleAsync(string id, OwnershipCaller caller, OwnershipServices services, CancellationToken cancellationToken)
    {
        var transfer = await services.Transfers.GetAsync(id, cancellationToken);
        return transfer is not null && (transfer.OwnerId == caller.UserId || transfer.ToUserId == caller.UserId) ? transfer : null;
    }

    private static IResult NotFound(string id) => OwnershipResults.NotFound($"No transfer with id '{id}' exists.");
}
