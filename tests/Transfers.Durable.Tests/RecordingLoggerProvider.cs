using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Transfers.Durable.Tests;

/// <summary>Keeps the event ids and messages of everything logged, so a test can tell which paths the engine took.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<EventId> Events { get; } = new();

    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(Events, Messages);

    public void Dispose()
    {
    }

    private sealed class Recorder(ConcurrentQueue<EventId> events, ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            events.Enqueue(eventId);
            messages.Enqueue(formatter(state, exception));
        }
    }
}
