using Transfers.Core.Telemetry;

namespace Transfers.Api.Auth;

/// <summary>Who made an API-key request: a tenant, and whether the admin key was used.</summary>
/// <param name="Tenant">The tenant whose records the caller sees.</param>
/// <param name="IsAdmin">Whether the admin key authenticated the request.</param>
public sealed record CallerIdentity(string Tenant, bool IsAdmin)
{
    /// <summary>The tenant the admin key acts as.</summary>
    public const string DefaultTenant = "default";

    /// <summary>Gets the identity an auth filter stored on the request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="InvalidOperationException">The endpoint has no API-key filter.</exception>
    public static CallerIdentity Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<CallerIdentity>() ?? throw new InvalidOperationException("The endpoint has no API-key filter.");
    }

    /// <summary>Stores the identity on the request.</summary>
    /// <param name="context">The request.</param>
    public void AttachTo(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set(this);

        // The request's span (when traced) names whose request it is; the spans of what it starts are its children.
        System.Diagnostics.Activity.Current?.SetTag(TransfersTelemetry.TenantTag, Tenant);
    }
}
