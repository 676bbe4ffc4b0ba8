using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Transfers.Core.Configuration;
using Transfers.Core.Tenants;

namespace Transfers.Api.Auth;

/// <summary>Resolves an <c>X-API-KEY</c> header to a caller: the admin key, or a tenant key from the key store.</summary>
public sealed class ApiKeyAuthenticator
{
    /// <summary>The header that carries the key.</summary>
    public const string HeaderName = "X-API-KEY";

    private readonly IOptionsMonitor<TransfersOptions> _options;
    private readonly ApiKeyStore _keys;

    /// <summary>Initializes a new instance of the <see cref="ApiKeyAuthenticator"/> class.</summary>
    /// <param name="options">Holds the admin key.</param>
    /// <param name="keys">The tenant key store.</param>
    public ApiKeyAuthenticator(IOptionsMonitor<TransfersOptions> options, ApiKeyStore keys)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keys);
        _options = options;
        _keys = keys;
    }

    /// <summary>Whether the presented key is the configured admin key (constant-time comparison).</summary>
    /// <param name="presentedKey">The key from the request.</param>
    /// <returns><c>true</c> for the admin key.</returns>
    public bool IsAdminKey(string? presentedKey)
    {
        var admin = _options.CurrentValue.AdminApiKey;
        return !string.IsNullOrEmpty(admin) && !string.IsNullOrEmpty(presentedKey) &&
            CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(admin)), SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey)));
    }

    /// <summary>Authenticates a request by its <c>X-API-KEY</c> header.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The caller, or <c>null</c> when the key is missing, unknown or revoked.</returns>
    public async Task<CallerIdentity?> AuthenticateAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? key = context.Request.Headers[HeaderName];
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        if (IsAdminKey(key))
        {
            return new CallerIdentity(CallerIdentity.DefaultTenant, IsAdmin: true);
        }

        var tenant = await _keys.FindTenantAsync(key, context.RequestAborted);
        return tenant is null ? null : new CallerIdentity(tenant, IsAdmin: false);
    }
}
