namespace Transfers.Api.Auth;

/// <summary>
/// Endpoint filters that require an <c>X-API-KEY</c>. Each API family answers a failed check in its own error
/// envelope, so the family passes the 401 result it wants.
/// </summary>
public static class ApiKeyEndpointFilters
{
    /// <summary>Requires a tenant key (or the admin key, acting as tenant <c>default</c>).</summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="unauthorized">Builds the 401 result in the family's envelope.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireTenantKey<TBuilder>(this TBuilder builder, Func<HttpContext, IResult> unauthorized)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var authenticator = context.HttpContext.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
            var caller = await authenticator.AuthenticateAsync(context.HttpContext);
            if (caller is null)
            {
                return unauthorized(context.HttpContext);
            }

            caller.AttachTo(context.HttpContext);
            return await next(context);
        });

    /// <summary>Requires the admin key in any of the places <paramref name="presentedKeys"/> reads from a request.</summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="presentedKeys">The values a request may carry the key in (headers, query parameters).</param>
    /// <param name="unauthorized">Builds the 401 result in the family's envelope.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder, Func<HttpRequest, IEnumerable<string?>> presentedKeys, Func<HttpContext, IResult> unauthorized)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var authenticator = context.HttpContext.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
            if (!presentedKeys(context.HttpContext.Request).Any(authenticator.IsAdminKey))
            {
                return unauthorized(context.HttpContext);
            }

            new CallerIdentity(CallerIdentity.DefaultTenant, IsAdmin: true).AttachTo(context.HttpContext);
            return await next(context);
        });

    /// <summary>Requires the admin key and answers a failure with <c>application/problem+json</c>.</summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAdminKey(
            request => [request.Headers[ApiKeyAuthenticator.HeaderName]],
            _ => Problems.Unauthorized($"A valid admin key is required in the {ApiKeyAuthenticator.HeaderName} header."));
}
