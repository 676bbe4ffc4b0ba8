using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Transfers.Testing;

/// <summary>
/// The storage the tests run against: the Azurite that <c>./test.sh</c> started, named by the
/// <c>TRANSFERS_TEST_STORAGE</c> connection string (the default Azurite ports otherwise).
/// </summary>
public static class Azurite
{
    /// <summary>Gets the connection string of the test storage account.</summary>
    public static string ConnectionString { get; } =
        Environment.GetEnvironmentVariable("TRANSFERS_TEST_STORAGE") is { Length: > 0 } value ? value : "UseDevelopmentStorage=true";

    /// <summary>Gets a table service client on the test account.</summary>
    public static TableServiceClient Tables { get; } = new(ConnectionString);

    /// <summary>Gets a blob service client on the test account.</summary>
    public static BlobServiceClient Blobs { get; } = new(ConnectionString);

    /// <summary>Makes a name that no other test uses: letters and digits only, valid for tables, containers and task hubs.</summary>
    /// <param name="prefix">A readable prefix of lower-case letters.</param>
    /// <returns>A unique name of at most 40 characters.</returns>
    public static string UniqueName(string prefix) =>
        (prefix + Guid.NewGuid().ToString("N"))[..Math.Min(40, prefix.Length + 32)];
}
