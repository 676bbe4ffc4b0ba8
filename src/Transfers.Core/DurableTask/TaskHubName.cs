using Microsoft.Extensions.Configuration;

namespace Transfers.Core.DurableTask;

/// <summary>
/// The task hub's name, resolved in one place for the engine and for what keeps tenants off the hub's storage:
/// <c>Transfers:Durable:HubName</c>, else <c>TRANSFERS_TASKHUB</c> (the setting host.json uses, so both hosts share
/// one setting), else <see cref="Default"/>.
/// </summary>
public static class TaskHubName
{
    /// <summary>The name when none is configured.</summary>
    public const string Default = "TransfersHub";

    /// <summary>The configuration key of the engine's own setting.</summary>
    public const string ConfigurationKey = "Transfers:Durable:HubName";

    /// <summary>The setting host.json names the hub with.</summary>
    public const string FunctionsSetting = "TRANSFERS_TASKHUB";

    /// <summary>Resolves the hub name.</summary>
    /// <param name="configuration">The application configuration.</param>
    /// <returns>The configured name, or <see cref="Default"/>.</returns>
    public static string Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[ConfigurationKey] is { Length: > 0 } configured ? configured
            : configuration[FunctionsSetting] is { Length: > 0 } hub ? hub
            : Default;
    }
}
