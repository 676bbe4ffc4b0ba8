using Transfers.Testing;

namespace Transfers.Durable.Tests;

/// <summary>One host on a task hub of its own, shared by the tests of a class (xunit class fixture).</summary>
public abstract class BackendFixture(TestBackend backend) : IAsyncLifetime
{
    public EngineHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await EngineHost.StartAsync(Azurite.UniqueName("parity"), backend: backend);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>The embedded engine.</summary>
public sealed class EmbeddedBackend() : BackendFixture(TestBackend.Embedded);

/// <summary>Durable Task's engine on Azure Storage.</summary>
public sealed class AzureStorageBackend() : BackendFixture(TestBackend.AzureStorage);
