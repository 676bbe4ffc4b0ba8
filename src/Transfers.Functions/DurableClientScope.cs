using Microsoft.DurableTask.Client;
using Transfers.DurableTask;

namespace Transfers.Functions;

/// <summary>
/// Carries the <see cref="DurableTaskClient"/> that an HTTP function's <c>[DurableClient]</c> binding supplied to the
/// Transfers endpoint it runs, which asks DI for the port's <c>IDurableClient</c>. Durable Functions hands that client to
/// functions only through the binding, so the HTTP function opens a scope around the endpoint call and DI builds a
/// <see cref="DurableClientAdapter"/> over the client of the current scope.
/// </summary>
public static class DurableClientScope
{
    private static readonly AsyncLocal<DurableTaskClient?> CurrentClient = new();

    /// <summary>Gets the client of the current HTTP function call, or <c>null</c> outside one.</summary>
    public static DurableTaskClient? Current => CurrentClient.Value;

    /// <summary>Makes <paramref name="client"/> current until the returned scope is disposed.</summary>
    /// <param name="client">The bound client.</param>
    /// <returns>A scope that restores the previous client.</returns>
    public static IDisposable Enter(DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var previous = CurrentClient.Value;
        CurrentClient.Value = client;
        return new Scope(previous);
    }

    private sealed class Scope(DurableTaskClient? previous) : IDisposable
    {
        public void Dispose() => CurrentClient.Value = previous;
    }
}
