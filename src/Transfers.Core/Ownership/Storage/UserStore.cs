using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Transfers.Core.Application;
using Transfers.Core.Security;

namespace Transfers.Core.Ownership;

/// <summary>
/// Users and their bearer tokens. A token reads <c>ot_{tokenId}.{secret}</c>: the id finds the row with one point read,
/// and only the SHA-256 of the whole token is stored.
/// </summary>
public sealed partial class UserStore
{
    private const string UserPartition = "user";
    private const string EmailPartition = "email";
    private const string TokenPartition = "token";
    private const string TokenPrefix = "ot_";
    private const int MaxEmailLength = 254;
    private const int MaxNameLength = 256;

    private readonly OwnershipTables _tables;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="UserStore"/> class.</summary>
    /// <param name="tables">The family's tables.</param>
    /// <param name="time">The clock.</param>
    public UserStore(OwnershipTables tables, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(time);
        _tables = tables;
        _time = time;
    }

    /// <summary>
    /// Whether an e-mail address is acceptable: one <c>@</c>, a dot in the domain, no spaces, no control characters
    /// (table keys refuse them), no <c>/ \ # ?</c>.
    /// </summary>
    /// <param name="email">The candidate.</param>
    /// <returns><c>true</c> when valid.</returns>
    public static bool IsValidEmail(string? email) =>
        email is { Length: > 0 and <= MaxEmailLength } && !email.Any(char.IsControl) && EmailPattern().IsMatch(email);

    /// <summary>Whether a display name is acceptable.</summary>
    /// <param name="name">The candidate; <c>null</c> is acceptable.</param>
    /// <returns><c>true</c> when valid.</returns>
    public static bool IsValidName(string? name) => name is null || (name.Length <= MaxNameLength && !name.Any(char.IsControl));

    /// <summary>Creates a user and its first token.</summary>
    /// <param name="email">A valid e-mail address.</param>
    /// <param name="name">The display name, if any.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The user and its token, or <c>null</c> when the e-mail address is taken.</returns>
    public async Task<(OwnershipUser User, IssuedUserToken Token)?> CreateAsync(string email, string? name, CancellationToken cancellationToken = default)
    {
        if (!IsValidEmail(email) || !IsValidName(name))
        {
            throw new ArgumentException("The e-mail address or name is invalid.", nameof(email));
        }

        var table = await _tables.GetAsync(OwnershipTables.Users);
        var now = _time.GetUtcNow();
        var user = new OwnershipUser(ObjectIds.NewId(now), email.ToLowerInvariant(), name, now);

        // The e-mail row is the uniqueness claim; it is written first so that two creations cannot both win.
        try
        {
            await table.AddEntityAsync(new TableEntity(EmailPartition, user.Email) { ["UserId"] = user.Id }, cancellationToken);
        }
        catch (RequestFailedException e) when (TableConflicts.IsLostWrite(e))
        {
            return null;
        }

        await table.AddEntityAsync(
            new TableEntity(UserPartition, user.Id) { ["Email"] = user.Email, ["Name"] = user.Name, ["CreatedAt"] = user.CreatedAt },
            cancellationToken);
        var token = await IssueTokenAsync(user.Id, expiresAt: null, cancellationToken);
        return (user, token!);
    }

    /// <summary>Gets a user by id.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The user, or <c>null</c>.</returns>
    public async Task<OwnershipUser?> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (!ObjectIds.IsValid(userId))
        {
            return null;
        }

        var table = await _tables.GetAsync(OwnershipTables.Users);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(UserPartition, userId, cancellationToken: cancellationToken);
        return row.HasValue ? ToUser(row.Value!) : null;
    }

    /// <summary>Finds a user by e-mail address, in any letter case.</summary>
    /// <param name="email">The e-mail address.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The user, or <c>null</c>.</returns>
    public async Task<OwnershipUser?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        if (!IsValidEmail(email))
        {
            return null;
        }

        var table = await _tables.GetAsync(OwnershipTables.Users);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(EmailPartition, email.ToLowerInvariant(), cancellationToken: cancellationToken);
        return row.HasValue ? await GetAsync(row.Value!.GetString("UserId"), cancellationToken) : null;
    }

    /// <summary>Issues a bearer token for a user.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="expiresAt">When the token stops working; never when <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token, to be shown once; <c>null</c> when the user does not exist.</returns>
    public async Task<IssuedUserToken?> IssueTokenAsync(string userId, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(userId, cancellationToken) is null)
        {
            return null;
        }

        var table = await _tables.GetAsync(OwnershipTables.Tokens);
        var tokenId = Secrets.NewId();
        var token = $"{TokenPrefix}{tokenId}.{Secrets.NewSecret()}";
        var createdAt = _time.GetUtcNow();
        await table.AddEntityAsync(
            new TableEntity(TokenPartition, tokenId) { ["UserId"] = userId, ["Hash"] = Secrets.Hash(token), ["CreatedAt"] = createdAt, ["ExpiresAt"] = expiresAt },
            cancellationToken);
        return new IssuedUserToken(tokenId, userId, token, createdAt, expiresAt);
    }

    /// <summary>Revokes a token.</summary>
    /// <param name="tokenId">The token id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><c>false</c> when no such token exists.</returns>
    public async Task<bool> RevokeTokenAsync(string tokenId, CancellationToken cancellationToken = default)
    {
        if (!TokenIdPattern().IsMatch(tokenId ?? string.Empty))
        {
            return false;
        }

        var table = await _tables.GetAsync(OwnershipTables.Tokens);

        // The SDK treats deleting a missing entity as success, so read first to tell the caller.
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TokenPartition, tokenId!, select: ["RowKey"], cancellationToken);
        if (!row.HasValue)
        {
            return false;
        }

        await table.DeleteEntityAsync(TokenPartition, tokenId!, ETag.All, cancellationToken);
        return true;
    }

    /// <summary>Finds the user of a presented bearer token.</summary>
    /// <param name="presentedToken">The token from the request.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The user id, or <c>null</c> when the token is malformed, unknown, revoked or expired.</returns>
    public async Task<string?> AuthenticateAsync(string presentedToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(presentedToken);
        var dot = presentedToken.IndexOf('.', StringComparison.Ordinal);
        if (!presentedToken.StartsWith(TokenPrefix, StringComparison.Ordinal) || dot < 0)
        {
            return null;
        }

        var tokenId = presentedToken[TokenPrefix.Length..dot];
        if (!TokenIdPattern().IsMatch(tokenId))
        {
            return null;
        }

        var table = await _tables.GetAsync(OwnershipTables.Tokens);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TokenPartition, tokenId, cancellationToken: cancellationToken);
        if (!row.HasValue || !Secrets.Matches(presentedToken, row.Value!.GetString("Hash")))
        {
            return null;
        }

        var expiresAt = row.Value.GetDateTimeOffset("ExpiresAt");
        return expiresAt is not null && expiresAt <= _time.GetUtcNow() ? null : row.Value.GetString("UserId");
    }

    private static OwnershipUser ToUser(TableEntity row) =>
        new(row.RowKey, row.GetString("Email"), row.GetString("Name"), row.GetDateTimeOffset("CreatedAt") ?? row.Timestamp ?? DateTimeOffset.MinValue);

    [GeneratedRegex(@"^[^@\s/\\#?]+@[^@\s/\\#?.]+(\.[^@\s/\\#?.]+)+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TokenIdPattern();
}
