using System.Net.Http.Json;
using System.Text.Json;

namespace Transfers.Testing;

/// <summary>Tenant keys and storage grants through the admin API, for tests whose tenants read and write storage.</summary>
public static class TenantKeys
{
    /// <summary>
    /// Issues a key for a tenant and grants the tenant the host's own account (connection <c>default</c>) whole: a
    /// tenant reaches no storage without a grant.
    /// </summary>
    /// <param name="admin">A client that sends the admin key.</param>
    /// <param name="tenant">The tenant.</param>
    /// <returns>The key.</returns>
    public static async Task<string> IssueWithHostAccountAsync(HttpClient admin, string tenant)
    {
        ArgumentNullException.ThrowIfNull(admin);
        using var granted = await admin.PostAsJsonAsync($"/admin/tenants/{tenant}/connections", new { connection = "default" });
        granted.EnsureSuccessStatusCode();
        using var issued = await admin.PostAsync($"/admin/tenants/{tenant}/keys", null);
        issued.EnsureSuccessStatusCode();
        return (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }
}
