namespace Transfers.Core.Storage;

/// <summary>
/// Every table the service keeps its own records in, on the host's account. One list, so that
/// <see cref="StorageAccessPolicy"/> can keep tenants away from all of them; a store adds its table here.
/// </summary>
public static class ServiceTables
{
    /// <summary>Tenant API key hashes.</summary>
    public const string ApiKeys = "ApiKeys";

    /// <summary>The storage connections the admin granted to tenants.</summary>
    public const string ConnectionGrants = "ConnectionGrants";

    /// <summary>Shares.</summary>
    public const string Shares = "Shares";

    /// <summary>Share transfers, with their consumers' SAS URLs.</summary>
    public const string ShareTransfers = "ShareTransfers";

    /// <summary>Per-file state of file transfers.</summary>
    public const string ShareFileState = "ShareFileState";

    /// <summary>Work batches of running file checks.</summary>
    public const string ShareSyncWork = "ShareSyncWork";

    /// <summary>Watermarks of table transfers.</summary>
    public const string ShareTableState = "ShareTableState";

    /// <summary>Export models.</summary>
    public const string ExportModels = "ExportModels";

    /// <summary>Export destinations.</summary>
    public const string ExportDestinations = "ExportDestinations";

    /// <summary>Export transfers and the per-destination queue.</summary>
    public const string ExportTransfers = "ExportTransfers";

    /// <summary>Per-model progress of export transfers.</summary>
    public const string ExportTransferModels = "ExportTransferModels";

    /// <summary>Export watermarks.</summary>
    public const string ExportWatermarks = "ExportWatermarks";

    /// <summary>Debug logs of export transfers.</summary>
    public const string ExportDebugLogs = "ExportDebugLogs";

    /// <summary>Ownership users.</summary>
    public const string OwnershipUsers = "OwnershipUsers";

    /// <summary>Ownership bearer token hashes.</summary>
    public const string OwnershipTokens = "OwnershipTokens";

    /// <summary>Ownership resources.</summary>
    public const string OwnershipResources = "OwnershipResources";

    /// <summary>Ownership resources by owner.</summary>
    public const string OwnershipResourcesByOwner = "OwnershipResourcesByOwner";

    /// <summary>Ownership transfers.</summary>
    public const string OwnershipTransfers = "OwnershipTransfers";

    /// <summary>Ownership transfers by user.</summary>
    public const string OwnershipTransferIndex = "OwnershipTransferIndex";

    /// <summary>Locks of integrations in open ownership transfers.</summary>
    public const string OwnershipTransferLocks = "OwnershipTransferLocks";

    /// <summary>Gets every table name above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ApiKeys, ConnectionGrants, Shares, ShareTransfers, ShareFileState, ShareSyncWork, ShareTableState,
        ExportModels, ExportDestinations, ExportTransfers, ExportTransferModels, ExportWatermarks, ExportDebugLogs,
        OwnershipUsers, OwnershipTokens, OwnershipResources, OwnershipResourcesByOwner, OwnershipTransfers, OwnershipTransferIndex, OwnershipTransferLocks,
    ];
}
