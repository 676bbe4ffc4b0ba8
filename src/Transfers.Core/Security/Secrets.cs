using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Transfers.Core.Security;

/// <summary>Creation and verification of bearer secrets (API keys, tokens). Only hashes are ever stored.</summary>
public static class Secrets
{
    /// <summary>Creates a random, URL-safe secret of 256 bits.</summary>
    /// <returns>The secret.</returns>
    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Creates a random identifier of 128 bits as 32 lower-case hex characters.</summary>
    /// <returns>The identifier.</returns>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Hashes a secret with SHA-256.</summary>
    /// <param name="secret">The secret.</param>
    /// <returns>The lower-case hex digest.</returns>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>Checks a presented secret against a stored hash in constant time.</summary>
    /// <param name="presented">The secret the caller sent.</param>
    /// <param name="storedHash">The stored SHA-256 hex digest.</param>
    /// <returns><c>true</c> when they match.</returns>
    public static bool Matches(string? presented, string? storedHash) =>
        presented is not null && storedHash is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(storedHash));
}
