using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Transfers.Core.Application;
using Transfers.Core.DurableTask;

namespace Transfers.Core.Ownership;

/// <summary>
/// The Ownership family's use cases, without HTTP: previews, invitations (record, then orchestration), the answers
/// (record first, then schedule if need be and raise), deletion, and the caller's resources. Every method acts for the
/// authenticated caller and shows nothing of a transfer the caller neither sent nor received.
/// </summary>
public sealed class OwnershipService
{
    /// <summary>The most integration ids one invitation or preview names.</summary>
    public const int MaxIntegrationIds = 1000;

    private readonly UserStore _users;
    private readonly ResourceStore _resources;
    private readonly OwnershipTransferStore _transfers;
    private readonly IDurableClient _durable;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<OwnershipOptions> _options;

    /// <summary>Initializes a new instance of the <see cref="OwnershipService"/> class.</summary>
    /// <param name="users">The users.</param>
    /// <param name="resources">The resources.</param>
    /// <param name="transfers">The transfers.</param>
    /// <param name="durable">Starts and signals the invitation orchestrations.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">The family's settings.</param>
    public OwnershipService(
        UserStore users, ResourceStore resources, OwnershipTransferStore transfers, IDurableClient durable, TimeProvider time, IOptionsMonitor<OwnershipOptions> options)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(transfers);
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _users = users;
        _resources = resources;
        _transfers = transfers;
        _durable = durable;
        _time = time;
        _options = options;
    }

    private enum Party
    {
        Owner,
        Invitee,
    }

    /// <summary>Checks the e-mail address of an invitee: present, well formed, and not the caller's own.</summary>
    /// <param name="callerId">The caller.</param>
    /// <param name="email">The address given.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The error, or <c>null</c> when the address may be invited.</returns>
    public async Task<FieldError?> CheckInviteeEmailAsync(string callerId, string? email, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(email))
        {
            return new FieldError("missing_required_field", "email is required.", "email");
        }

        if (!UserStore.IsValidEmail(email))
        {
            return new FieldError("invalid_value", $"'{email}' is not a valid e-mail address.", "email");
        }

        var self = await _users.GetAsync(callerId, cancellationToken);
        return string.Equals(self?.Email, email, StringComparison.OrdinalIgnoreCase)
            ? new FieldError("invalid_value", "You cannot transfer to yourself.", "email")
            : null;
    }

    /// <summary>Checks the integration ids of an invitation or preview: 1 to <see cref="MaxIntegrationIds"/> distinct ids, each an id or <c>none</c>.</summary>
    /// <param name="values">The ids as given.</param>
    /// <param name="ids">The distinct ids, in the order given; <c>null</c> when rejected.</param>
    /// <returns>The error, or <c>null</c>.</returns>
    public static FieldError? CheckIntegrationIds(IReadOnlyList<string> values, out IReadOnlyList<string>? ids)
    {
        ArgumentNullException.ThrowIfNull(values);
        ids = null;
        var distinct = values.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0 || distinct.Count > MaxIntegrationIds)
        {
            return new FieldError("invalid_value", $"_integrationIds must hold 1 to {MaxIntegrationIds} ids.", "_integrationIds");
        }

        if (distinct.FirstOrDefault(v => v != ResourceCollections.Standalone && !ObjectIds.IsValid(v)) is { } malformed)
        {
            return new FieldError("invalid_ref", $"'{malformed}' is not an integration id (24 lower-case hex characters) or \"none\".", "_integrationIds");
        }

        ids = distinct;
        return null;
    }

    /// <summary>What an invitation of these integrations would transfer: the closure over the caller's resources.</summary>
    /// <param name="callerId">The caller.</param>
    /// <param name="integrationIds">The integration ids, <c>none</c> for standalone flows.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The resources by collection (empty when nothing would move), or invalid when an id is not the caller's.</returns>
    public async Task<ServiceResult<IReadOnlyDictionary<string, IReadOnlyList<OwnedResource>>>> PreviewAsync(
        string callerId, IReadOnlyList<string> integrationIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(integrationIds);
        var (closure, error) = await SelectAsync(callerId, integrationIds, account: false, cancellationToken);
        return error is null
            ? ServiceResult.Ok(closure!)
            : ServiceResult.Invalid([error]);
    }

    /// <summary>
    /// Invites a user to take over integrations (or the whole account): records the transfer, locking its integrations
    /// against other open transfers, then schedules its orchestration. Should the schedule fail, the invitation is
    /// canceled and its integrations freed before the failure propagates, since nothing could ever end it.
    /// </summary>
    /// <param name="callerId">The owner.</param>
    /// <param name="email">The invitee's e-mail address, checked with <see cref="CheckInviteeEmailAsync"/>.</param>
    /// <param name="integrationIds">The integration ids; <c>null</c> for an account transfer.</param>
    /// <param name="account">Whether the whole account moves.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new transfer; not found when no user has the address; invalid for integrations not the caller's,
    /// too many resources, or integrations another open transfer holds.</returns>
    public async Task<ServiceResult<OwnershipTransferDetails>> InviteAsync(
        string callerId, string email, IReadOnlyList<string>? integrationIds, bool account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        var invitee = await _users.FindByEmailAsync(email, cancellationToken);
        if (invitee is null)
        {
            return ServiceResult.NotFound($"No user with the e-mail address {email} exists.");
        }

        var ids = integrationIds ?? [];
        var (closure, selectionError) = await SelectAsync(callerId, ids, account, cancellationToken);
        if (selectionError is not null)
        {
            return ServiceResult.Invalid([selectionError]);
        }

        var options = _options.CurrentValue;
        var resources = closure!.SelectMany(c => c.Value.Select(r => new TransferResourceRef(c.Key, r.Id, r.Name))).ToList();
        if (resources.Count > options.MaxResourcesPerTransfer)
        {
            return ServiceResult.Invalid(
                "too_many_resources",
                $"The transfer would move {resources.Count} resources; at most {options.MaxResourcesPerTransfer} are allowed in one transfer.");
        }

        if (!account && ids.Contains(ResourceCollections.Standalone))
        {
            resources.Add(new TransferResourceRef(ResourceCollections.Integrations, ResourceCollections.Standalone, null));
        }

        var now = _time.GetUtcNow();
        var transfer = new OwnershipTransfer
        {
            Id = ObjectIds.NewId(now),
            OwnerId = callerId,
            ToUserId = invitee.Id,
            Status = OwnershipTransferStatus.Unapproved,
            Account = account,
            CreatedAt = now,
            LastModified = now,
            ExpiresAt = now + options.InviteTtl,
            IntegrationIds = account ? [] : ids,
        };
        if (await _transfers.CreateAsync(transfer, resources, cancellationToken) is { } held)
        {
            return ServiceResult.Invalid(
                "already_in_transfer",
                held == "account"
                    ? "The whole account is in another open transfer; cancel it first."
                    : $"Integration {held} is in another open transfer; cancel it first, or wait until it ends.",
                "_integrationIds");
        }

        await _durable.ScheduleOrUndoAsync(
            nameof(OwnershipTransferOrchestration),
            OwnershipTransferOrchestration.InputFor(transfer, options),
            OwnershipTransferOrchestration.InstanceIdFor(transfer.Id),
            async none =>
            {
                await _transfers.TryUpdateAsync(transfer.Id, t => t with { Status = OwnershipTransferStatus.Canceled }, none);
                await _transfers.ReleaseLocksAsync(transfer, none);
                return true;
            },
            undoOn: _ => true,
            rethrow: true,
            cancellationToken);
        return ServiceResult.Ok(new OwnershipTransferDetails(transfer, resources, []));
    }

    /// <summary>Gets a transfer the caller sent or received, with its resources and errors.</summary>
    /// <param name="callerId">The caller.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transfer, or not found.</returns>
    public async Task<ServiceResult<OwnershipTransferDetails>> GetTransferAsync(string callerId, string transferId, CancellationToken cancellationToken = default)
    {
        var transfer = await FindVisibleAsync(callerId, transferId, cancellationToken);
        return transfer is null
            ? ServiceResult.NotFound(TransferNotFound(transferId))
            : ServiceResult.Ok(await DetailsAsync(transfer, cancellationToken));
    }

    /// <summary>Lists the caller's outbound or inbound transfers in id order, each with the other party.</summary>
    /// <param name="callerId">The caller.</param>
    /// <param name="direction">Outbound (sent) or inbound (offered to the caller).</param>
    /// <param name="after">The last id of the previous page, if any.</param>
    /// <param name="pageSize">The page size.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page.</returns>
    public async Task<ServiceResult<OwnershipTransferPage>> ListTransfersAsync(
        string callerId, OwnershipDirection direction, string? after, int pageSize, CancellationToken cancellationToken = default)
    {
        var outbound = direction == OwnershipDirection.Outbound;
        var index = outbound ? OwnershipTransferStore.Outbound(callerId) : OwnershipTransferStore.Inbound(callerId);
        var (transfers, hasMore) = await _transfers.ListAsync(index, after, pageSize, cancellationToken);
        var users = new Dictionary<string, OwnershipUser?>(StringComparer.Ordinal);
        var items = new List<OwnershipListedTransfer>(transfers.Count);
        foreach (var transfer in transfers)
        {
            var userId = outbound ? transfer.ToUserId : transfer.OwnerId;
            if (!users.TryGetValue(userId, out var user))
            {
                users[userId] = user = await _users.GetAsync(userId, cancellationToken);
            }

            items.Add(new OwnershipListedTransfer(await DetailsAsync(transfer, cancellationToken), userId, user));
        }

        return ServiceResult.Ok(new OwnershipTransferPage(items, hasMore));
    }

    /// <summary>The invitee accepts; the resources start moving.</summary>
    /// <param name="callerId">The caller.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Ok, not found, or invalid (not the invitee, not unapproved, expired).</returns>
    public Task<ServiceResult> AcceptAsync(string callerId, string transferId, CancellationToken cancellationToken = default) =>
        AnswerAsync(
            callerId, transferId, Party.Invitee, "accept",
            t => t with { Status = OwnershipTransferStatus.Queued, Accepted = true },
            OwnershipEvents.Accepted, new InviteAccepted(callerId), cancellationToken);

    /// <summary>The invitee declines; the transfer is canceled.</summary>
    /// <param name="callerId">The caller.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Ok, not found, or invalid (not the invitee, not unapproved, expired).</returns>
    public Task<ServiceResult> DismissAsync(string callerId, string transferId, CancellationToken cancellationToken = default) =>
        AnswerAsync(
            callerId, transferId, Party.Invitee, "dismiss",
            t => t with { Status = OwnershipTransferStatus.Canceled, Dismissed = true },
            OwnershipEvents.Dismissed, new InviteDismissed(callerId), cancellationToken);

    /// <summary>The owner withdraws an invitation before it is accepted.</summary>
    /// <param name="callerId">The caller.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Ok, not found, or invalid (not the owner, not unapproved, expired).</returns>
    public Task<ServiceResult> CancelAsync(string callerId, string transferId, CancellationToken cancellationToken = default) =>
        AnswerAsync(
            callerId, transferId, Party.Owner, "cancel",
            t => t with { Status = OwnershipTransferStatus.Canceled },
            OwnershipEvents.Canceled, new InviteCanceled(callerId), cancellationToken);

    /// <summary>The owner deletes a <c>done</c> or <c>canceled</c> transfer.</summary>
    /// <param name="callerId">The caller.</param>
    /// <param name="transferId">The transfer id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Ok, not found, or invalid (not the owner, not ended that way).</returns>
    public async Task<ServiceResult> DeleteAsync(string callerId, string transferId, CancellationToken cancellationToken = default)
    {
        var transfer = await FindVisibleAsync(callerId, transferId, cancellationToken);
        if (transfer is null)
        {
            return ServiceResult.NotFound(TransferNotFound(transferId));
        }

        if (transfer.OwnerId != callerId)
        {
            return ServiceResult.Invalid("invalid_operation", "Only the user who sent the transfer can delete it.");
        }

        if (transfer.Status is not (OwnershipTransferStatus.Done or OwnershipTransferStatus.Canceled))
        {
            return ServiceResult.Invalid(
                "invalid_state",
                $"The transfer is {transfer.Status}; only done or canceled transfers can be deleted.");
        }

        await _transfers.DeleteAsync(transfer, cancellationToken);
        return ServiceResult.Ok();
    }

    /// <summary>Creates a resource owned by the caller; every reference must name one of the caller's resources.</summary>
    /// <param name="callerId">The caller.</param>
    /// <param name="collection">One of <see cref="ResourceCollections.All"/>.</param>
    /// <param name="body">The document as sent.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The resource with its new <c>_id</c>, or invalid.</returns>
    public async Task<ServiceResult<OwnedResource>> CreateResourceAsync(string callerId, string collection, JsonObject body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = ResourceSchema.Validate(collection, body);
        if (errors.Count > 0)
        {
            return ServiceResult.Invalid(errors);
        }

        var references = ResourceSchema.References(collection, body).ToList();
        var notOwned = await _resources.FindNotOwnedAsync(callerId, references.Select(r => (r.Collection, r.Id)), cancellationToken);
        if (notOwned.Count > 0)
        {
            return ServiceResult.Invalid([.. references
                .Where(r => notOwned.Contains((r.Collection, r.Id)))
                .Select(r => new FieldError("invalid_ref", $"No {r.Collection} resource {r.Id} of yours exists.", r.Field))]);
        }

        var id = ObjectIds.NewId(_time.GetUtcNow());
        var document = new JsonObject { ["_id"] = id };
        foreach (var (name, value) in body)
        {
            document[name] = value?.DeepClone();
        }

        var text = document.ToJsonString();
        if (text.Length > ResourceSchema.MaxDocumentLength)
        {
            return ServiceResult.Invalid("invalid_value", $"The document is longer than {ResourceSchema.MaxDocumentLength} characters.");
        }

        var resource = new OwnedResource(collection, id, callerId, body["name"]?.GetValue<string>(), text);
        await _resources.AddAsync([resource], cancellationToken);
        return ServiceResult.Ok(resource);
    }

    /// <summary>Lists the caller's resources of a collection in id order.</summary>
    /// <param name="callerId">The caller.</param>
    /// <param name="collection">The collection.</param>
    /// <param name="after">The last id of the previous page, if any.</param>
    /// <param name="pageSize">The page size.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page and whether more follow.</returns>
    public async Task<ServiceResult<(IReadOnlyList<OwnedResource> Items, bool HasMore)>> ListResourcesAsync(
        string callerId, string collection, string? after, int pageSize, CancellationToken cancellationToken = default) =>
        ServiceResult.Ok(await _resources.ListAsync(callerId, collection, after, pageSize, cancellationToken));

    /// <summary>Gets one of the caller's resources.</summary>
    /// <param name="callerId">The caller.</param>
    /// <param name="collection">The collection.</param>
    /// <param name="resourceId">The resource id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The resource, or not found (also for another user's).</returns>
    public async Task<ServiceResult<OwnedResource>> GetResourceAsync(string callerId, string collection, string resourceId, CancellationToken cancellationToken = default)
    {
        var resource = await _resources.GetAsync(collection, resourceId, cancellationToken);
        return resource is not null && resource.OwnerId == callerId
            ? ServiceResult.Ok(resource)
            : ServiceResult.NotFound($"No {collection} resource with id '{resourceId}' exists.");
    }

    private static string TransferNotFound(string transferId) => $"No transfer with id '{transferId}' exists.";

    /// <summary>
    /// Records an answer, then wakes the orchestration. The record holds the answer first; the event only wakes the
    /// orchestration, which reads the record if the event is lost and the invitation expires. An invitation whose
    /// orchestration is not running (the host stopped between the record and the schedule) gets one first, so that the
    /// answer is acted on now.
    /// </summary>
    private async Task<ServiceResult> AnswerAsync<TPayload>(
        string callerId,
        string transferId,
        Party party,
        string verb,
        Func<OwnershipTransfer, OwnershipTransfer> answer,
        string eventName,
        TPayload payload,
        CancellationToken cancellationToken)
    {
        var transfer = await FindVisibleAsync(callerId, transferId, cancellationToken);
        if (transfer is null)
        {
            return ServiceResult.NotFound(TransferNotFound(transferId));
        }

        if ((party == Party.Owner ? transfer.OwnerId : transfer.ToUserId) != callerId)
        {
            return ServiceResult.Invalid(
                "invalid_operation",
                party == Party.Owner ? $"Only the user who sent the transfer can {verb} it." : $"Only the invited user can {verb} the transfer.");
        }

        var now = _time.GetUtcNow();
        var (current, changed) = await _transfers.TryUpdateAsync(
            transferId,
            t => t.Status == OwnershipTransferStatus.Unapproved && now < t.ExpiresAt ? answer(t) with { LastModified = now } : null,
            cancellationToken);
        if (!changed)
        {
            return current is null
                ? ServiceResult.NotFound(TransferNotFound(transferId))
                : ServiceResult.Invalid(
                    "invalid_state",
                    current.Status == OwnershipTransferStatus.Unapproved
                        ? $"The invitation expired at {OwnershipText.Date(current.ExpiresAt)}; it can no longer be {verb}ed."
                        : $"The transfer is {current.Status}; only an unapproved transfer can be {verb}ed.");
        }

        await OwnershipTransferOrchestration.TryScheduleAsync(_durable, current!, _options.CurrentValue, cancellationToken);
        await _durable.RaiseEventAsync(OwnershipTransferOrchestration.InstanceIdFor(transferId), eventName, payload, cancellationToken);
        return ServiceResult.Ok();
    }

    private async Task<OwnershipTransferDetails> DetailsAsync(OwnershipTransfer transfer, CancellationToken cancellationToken)
    {
        var resources = await _transfers.GetResourcesAsync(transfer.Id, cancellationToken);
        var errors = transfer.Status == OwnershipTransferStatus.Failed ? await _transfers.GetErrorsAsync(transfer.Id, cancellationToken) : [];
        return new OwnershipTransferDetails(transfer, resources, errors);
    }

    private async Task<(IReadOnlyDictionary<string, IReadOnlyList<OwnedResource>>? Closure, FieldError? Error)> SelectAsync(
        string ownerId, IReadOnlyList<string> integrationIds, bool account, CancellationToken cancellationToken)
    {
        var owned = await _resources.ListAllAsync(ownerId, cancellationToken);
        if (!account)
        {
            var integrations = owned.Where(r => r.Collection == ResourceCollections.Integrations).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var unknown = integrationIds.Where(i => i != ResourceCollections.Standalone && !integrations.Contains(i)).ToList();
            if (unknown.Count > 0)
            {
                return (null, new FieldError("invalid_ref", $"These integrations do not exist or are not yours: {string.Join(", ", unknown)}.", "_integrationIds"));
            }
        }

        return (OwnershipTransferClosure.Compute(owned, integrationIds, account), null);
    }

    private async Task<OwnershipTransfer?> FindVisibleAsync(string callerId, string transferId, CancellationToken cancellationToken)
    {
        var transfer = await _transfers.GetAsync(transferId, cancellationToken);
        return transfer is not null && (transfer.OwnerId == callerId || transfer.ToUserId == callerId) ? transfer : null;
    }
}
