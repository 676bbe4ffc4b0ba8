namespace Transfers.Core.Configuration;

/// <summary>The top-level settings of Transfers, bound from the <c>Transfers</c> configuration section.</summary>
public sealed class TransfersOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Transfers";

    /// <summary>
    /// Gets or sets the admin API key (<c>Transfers__AdminApiKey</c>). It authenticates the admin routes and acts as
    /// tenant <c>default</c> elsewhere. Without it, admin routes answer 401.
    /// </summary>
    public string? AdminApiKey { get; set; }

    /// <summary>
    /// Gets the named storage connections (<c>Transfers__Connections__&lt;name&gt;</c>): connection strings or service
    /// URIs. Sources and destinations refer to them by name; the name <c>default</c> is the host's own account.
    /// </summary>
    public Dictionary<string, string> Connections { get; } = new(StringComparer.OrdinalIgnoreCase);
}
