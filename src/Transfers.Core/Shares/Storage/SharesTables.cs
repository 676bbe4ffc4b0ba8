using Transfers.Core.Application;
using Transfers.Core.Storage;

namespace Transfers.Core.Shares;

/// <summary>The tables of the Shares family in the host's storage account, each created once on first use.</summary>
public sealed class SharesTables : HostTables
{
    /// <summary>Shares, partitioned by tenant.</summary>
    public const string Shares = ServiceTables.Shares;

    /// <summary>Share transfers, partitioned by share, with their consumers' access details.</summary>
    public const string Transfers = ServiceTables.ShareTransfers;

    /// <summary>The per-file state of file transfers, partitioned by state key.</summary>
    public const string FileState = ServiceTables.ShareFileState;

    /// <summary>The work batches of a file check, partitioned by state key and cycle.</summary>
    public const string SyncWork = ServiceTables.ShareSyncWork;

    /// <summary>The watermarks of table loads.</summary>
    public const string TableState = ServiceTables.ShareTableState;

    /// <summary>Initializes a new instance of the <see cref="SharesTables"/> class.</summary>
    /// <param name="connections">The storage connections.</param>
    public SharesTables(StorageConnections connections)
        : base(connections)
    {
    }
}
