using System.Text.Json;
using Transfers.Core.DurableTask;

namespace Transfers.Durable.Replay;

/// <summary>External events: waiters by name (case-insensitive), and a buffer for events nobody waits for yet.</summary>
internal sealed partial class ReplayContext
{
    private readonly Dictionary<string, LinkedList<TaskCompletionSource<string?>>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Name, string? Payload)> _buffered = [];

    /// <inheritdoc/>
    public Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);

        // Completed inline, not through an async continuation posted to the orchestration's scheduler: as in Durable
        // Task, a waiter cancelled by its token is complete (Canceled) as soon as Cancel() returns.
        var result = new TaskCompletionSource<T>();
        WaitForEventJson(eventName, cancellationToken).ContinueWith(
            json =>
            {
                if (json.IsCanceled)
                {
                    result.TrySetCanceled(cancellationToken);
                    return;
                }

                try
                {
                    result.TrySetResult(DurableJson.Deserialize<T>(json.Result)!);
                }
                catch (JsonException exception)
                {
                    result.TrySetException(exception);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return result.Task;
    }

    private Task<string?> WaitForEventJson(string eventName, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<string?>(cancellationToken);
        }

        var index = _buffered.FindIndex(b => string.Equals(b.Name, eventName, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            var payload = _buffered[index].Payload;
            _buffered.RemoveAt(index);
            return Task.FromResult(payload);
        }

        if (!_waiters.TryGetValue(eventName, out var queue))
        {
            queue = new LinkedList<TaskCompletionSource<string?>>();
            _waiters.Add(eventName, queue);
        }

        var source = new TaskCompletionSource<string?>();
        var node = queue.AddLast(source);
        if (cancellationToken.CanBeCanceled)
        {
            // Leaving the queue on cancellation is what keeps a cancelled waiter from swallowing a later event.
            cancellationToken.Register(() =>
            {
                if (node.List is not null)
                {
                    queue.Remove(node);
                }

                source.TrySetCanceled(cancellationToken);
            });
        }

        return source.Task;
    }

    private void DeliverEvent(string name, string? payload)
    {
        if (_waiters.TryGetValue(name, out var queue) && queue.First is { } first)
        {
            queue.RemoveFirst();
            first.Value.SetResult(payload);
            return;
        }

        _buffered.Add((name, payload));
    }
}
