namespace Transfers.Core.Shares;

/// <summary>
/// The table loader until the shared tabular reader and writer are wired in: every load fails with a clear message,
/// which the transfer reports in its errors.
/// </summary>
public sealed class UnavailableTableLoader : IShareTableLoader
{
    /// <inheritdoc/>
    public Task<ShareTableChunkResult> LoadChunkAsync(ShareTableLoad load, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Table loading is not available in this build: the shared tabular reader and writer are not wired in yet.");
}
