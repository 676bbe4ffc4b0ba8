using Transfers.Api.Ownership;
using Transfers.Core.Ownership;

namespace Transfers.Api.Auth;

/// <summary>The user a bearer token authenticated.</summary>
/// <param name="UserId">The user id.</param>
public sealed record OwnershipCaller(string UserId)
{
    /// <summary>Gets the caller the bearer filter stored on the request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The caller.</returns>
    /// <exception cref="InvalidOperationException">The endpoint has no bearer filter.</exception>
    public static OwnershipCaller Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<OwnershipCaller>() ?? throw new InvalidOperationException("The endpoint has no bearer-token filter.");
    }

    /// <summary>Stores the caller on the request.</summary>
    /// <param name="context">The request.</param>
    public void AttachTo(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Set(this);
    }
}

/// <summary>The bearer-token filter of the family's <c>/v1</c> routes.</summary>
public static class BearerTokenEndpointFilter
{
    private const string Scheme = "Bearer ";

    /// <summary>
    /// Requires <c>Authorization: Bearer &lt;token&gt;</c> with a valid user token. Without the header the answer is
    /// 401 <c>{"message":"Unauthorized"}</c>; with a malformed, unknown, revoked or expired token it is 401
    /// <c>{"message":"Bearer Authentication Failed"}</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireOwnershipBearer<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!http.Request.Headers.TryGetValue("Authorization", out var header) || header.Count == 0)
            {
                return OwnershipResults.Unauthorized();
            }

            var value = header.ToString();
            if (!value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            {
                return OwnershipResults.AuthenticationFailed();
            }

            var users = http.RequestServices.GetRequiredService<UserStore>();
            var userId = await users.AuthenticateAsync(value[Scheme.Length..].Trim(), http.RequestAborted);
            if (userId is null)
            {
                return OwnershipResults.AuthenticationFailed();
            }

            new OwnershipCaller(userId).AttachTo(http);
            return await next(context);
        });
}
