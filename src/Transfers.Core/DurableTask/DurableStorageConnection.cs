using Microsoft.Extensions.Configuration;

namespace Transfers.Core.DurableTask;

/// <summary>
/// The connection string of the durable backend's storage, resolved in one place for both backends:
/// <c>Transfers:Durable:StorageConnection</c>, else <c>AzureWebJobsStorage</c> (the host's own account).
/// </summary>
public static class DurableStorageConnection
{
    /// <summary>The configuration key of the backend's own setting.</summary>
    public const string ConfigurationKey = "Transfers:Durable:StorageConnection";

    /// <summary>Resolves the connection string.</summary>
    /// <param name="configuration">The application configuration.</param>
    /// <returns>The configured connection string, or <c>null</c> when neither setting is set.</returns>
    public static string? Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[ConfigurationKey] is { Length: > 0 } own ? own : configuration["AzureWebJobsStorage"];
    }
}
