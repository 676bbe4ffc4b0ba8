namespace Transfers.Core.Ownership;

/// <summary>A user of the Ownership family: owns resources, sends and receives transfers.</summary>
/// <param name="Id">The user id (24 hex characters).</param>
/// <param name="Email">The e-mail address, in lower case.</param>
/// <param name="Name">The display name, if any.</param>
/// <param name="CreatedAt">When the user was created.</param>
public sealed record OwnershipUser(string Id, string Email, string? Name, DateTimeOffset CreatedAt);

/// <summary>A bearer token as the admin sees it once, at creation.</summary>
/// <param name="TokenId">The token id, used to revoke it.</param>
/// <param name="UserId">The user the token authenticates.</param>
/// <param name="Token">The token itself; never stored and never shown again.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops working, if ever.</param>
public sealed record IssuedUserToken(string TokenId, string UserId, string Token, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);
