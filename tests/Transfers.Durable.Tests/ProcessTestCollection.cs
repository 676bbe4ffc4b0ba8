namespace Transfers.Durable.Tests;

/// <summary>
/// The tests that run several host processes on one hub (a crash, two hosts splitting the work). Each loads the shared
/// Azurite for a minute or more; beside each other or beside the Durable Task backend's tests, whose workers poll its
/// queues, they pushed a run past its timeouts, so they run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTestCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Host processes";
}
