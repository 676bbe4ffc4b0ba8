namespace Transfers.Api.Tests;

/// <summary>
/// The tests that kill a host mid-transfer. Each loads the shared Azurite for minutes; run beside each other or beside
/// other tests they push unrelated requests past their client timeouts, so they run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrashTestCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Crash tests";
}
