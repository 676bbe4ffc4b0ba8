using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Transfers.Core.Ownership;

/// <summary>
/// Identifiers in the shape of MongoDB ObjectIds: 24 lower-case hex characters made of a 4-byte Unix time, 5 random
/// bytes per process and a 3-byte counter, so ids of one process sort by creation.
/// </summary>
public static partial class ObjectIds
{
    private static readonly byte[] s_process = RandomNumberGenerator.GetBytes(5);
    private static int s_counter = RandomNumberGenerator.GetInt32(0x1000000);

    /// <summary>Creates a new id.</summary>
    /// <param name="time">The creation time; now when omitted.</param>
    /// <returns>24 lower-case hex characters.</returns>
    public static string NewId(DateTimeOffset? time = null)
    {
        Span<byte> bytes = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)(time ?? TimeProvider.System.GetUtcNow()).ToUnixTimeSeconds());
        s_process.CopyTo(bytes[4..]);
        var counter = Interlocked.Increment(ref s_counter) & 0xFFFFFF;
        bytes[9] = (byte)(counter >> 16);
        bytes[10] = (byte)(counter >> 8);
        bytes[11] = (byte)counter;
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Whether a string is a well-formed id (24 lower-case hex characters).</summary>
    /// <param name="value">The candidate.</param>
    /// <returns><c>true</c> when well formed.</returns>
    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    [GeneratedRegex("^[0-9a-f]{24}$")]
    private static partial Regex Pattern();
}
