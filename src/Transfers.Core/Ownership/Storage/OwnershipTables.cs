using Azure.Data.Tables;
using Transfers.Core.Application;
using Transfers.Core.Storage;

namespace Transfers.Core.Ownership;

/// <summary>The tables of the Ownership family in the host's storage account, each created once on first use.</summary>
public sealed class OwnershipTables : HostTables
{
    /// <summary>Users by id, and user ids by e-mail.</summary>
    public const string Users = ServiceTables.OwnershipUsers;

    /// <summary>Bearer token hashes by token id.</summary>
    public const string Tokens = ServiceTables.OwnershipTokens;

    /// <summary>Resources by collection and id: the owner of record, with an ETag for conditional moves.</summary>
    public const string Resources = ServiceTables.OwnershipResources;

    /// <summary>Resources by owner, for listing and for the closure of a preview.</summary>
    public const string ResourcesByOwner = ServiceTables.OwnershipResourcesByOwner;

    /// <summary>Transfers: one partition per transfer with the record, its resources and its errors.</summary>
    public const string Transfers = ServiceTables.OwnershipTransfers;

    /// <summary>Transfer ids by owner (outbound) and by invitee (inbound).</summary>
    public const string TransferIndex = ServiceTables.OwnershipTransferIndex;

    /// <summary>Integrations held by an open transfer, by owner.</summary>
    public const string TransferLocks = ServiceTables.OwnershipTransferLocks;

    /// <summary>The most entities one table transaction may hold.</summary>
    public const int MaxBatch = 100;

    /// <summary>Initializes a new instance of the <see cref="OwnershipTables"/> class.</summary>
    /// <param name="connections">The storage connections.</param>
    public OwnershipTables(StorageConnections connections)
        : base(connections)
    {
    }

    /// <summary>Submits entity actions of one partition in transactions of at most <see cref="MaxBatch"/>.</summary>
    /// <param name="table">The table.</param>
    /// <param name="actions">Actions that all target one partition.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when every transaction committed.</returns>
    public static async Task SubmitInBatchesAsync(TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var chunk in actions.Chunk(MaxBatch))
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken);
        }
    }
}
