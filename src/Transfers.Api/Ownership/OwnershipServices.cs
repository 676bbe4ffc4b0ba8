using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Core.Ownership;

namespace Transfers.Api.Ownership;

/// <summary>What the family's handlers use, bound with <c>[AsParameters]</c>.</summary>
/// <param name="Users">The users and tokens.</param>
/// <param name="Resources">The resources.</param>
/// <param name="Transfers">The transfers.</param>
/// <param name="Durable">Starts and signals the invitation orchestrations.</param>
/// <param name="Options">The family's settings.</param>
/// <param name="Time">The clock.</param>
public sealed record OwnershipServices(
    [FromServices] UserStore Users,
    [FromServices] ResourceStore Resources,
    [FromServices] TransferStore Transfers,
    [FromServices] IDurableClient Durable,
    [FromServices] IOptionsMonitor<OwnershipOptions> Options,
    [FromServices] TimeProvider Time);
