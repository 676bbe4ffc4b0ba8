using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Transfers.Core.DurableTask;
using Transfers.Durable.Storage;

namespace Transfers.Durable.Engine;

/// <summary>
/// The engine of one process: leases hub partitions, runs orchestration steps and activities of the instances in
/// them as soon as they are committed, and scans its partitions for work that nobody in this process knows about
/// (after a restart, or written by another process).
/// </summary>
internal sealed partial class DurableEngine : IHostedService, IDisposable
{
    private readonly HubStore _store;
    private readonly DurableTaskRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly DurableEngineOptions _options;
    private readonly string _workerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly Channel<string> _steps = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Channel<WorkItem> _work = Channel.CreateUnbounded<WorkItem>();
    private readonly Dictionary<string, bool> _stepState = [];
    private readonly Lock _stepGate = new();
    private readonly ConcurrentDictionary<string, byte> _inflight = new();
    private readonly ConcurrentDictionary<string, int> _active = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InstanceRecord>> _completionWaiters = new();
    private readonly ConcurrentDictionary<string, byte> _needsRead = new();
    private readonly Dictionary<string, List<(WorkItem Work, InboxMessage Result)>> _results = [];
    private readonly SemaphoreSlim _scanWake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly InstanceCache _cache;
    private volatile bool[] _owned;
    private volatile bool _running;

    /// <summary>Initializes a new instance of the <see cref="DurableEngine"/> class.</summary>
    /// <param name="store">The hub storage.</param>
    /// <param name="registry">The orchestrations and activities.</param>
    /// <param name="services">Creates orchestrations and activities per call.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <param name="options">The engine options.</param>
    public DurableEngine(HubStore store, DurableTaskRegistry registry, IServiceProvider services, ILoggerFactory loggerFactory, IOptions<DurableEngineOptions> options)
    {
        _store = store;
        _registry = registry;
        _services = services;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<DurableEngine>();
        _options = options.Value;
        _owned = new bool[store.PartitionCount];
        _cache = new InstanceCache(_options.InstanceCacheSize);
    }

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _store.EnsureCreatedAsync();
        _running = true;
        var token = _stopping.Token;
        await BalanceLeasesAsync(token);
        _loops.Add(Task.Run(() => LeaseLoopAsync(token), CancellationToken.None));
        _loops.Add(Task.Run(() => ScanLoopAsync(token), CancellationToken.None));
        for (var i = 0; i < _options.MaxConcurrentOrchestrations; i++)
        {
            _loops.Add(Task.Run(() => StepLoopAsync(token), CancellationToken.None));
        }

        for (var i = 0; i < _options.MaxConcurrentActivities; i++)
        {
            _loops.Add(Task.Run(() => WorkLoopAsync(token), CancellationToken.None));
        }

        Log.EngineStarted(_logger, _workerId, _store.PartitionCount);
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        await _stopping.CancelAsync();
        _steps.Writer.TryComplete();
        _work.Writer.TryComplete();
        await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        SettleRaised();

        // Releasing is a courtesy that lets others take over before the leases expire; it must not fail the shutdown.
        using var release = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await ReleaseLeasesAsync(release.Token);
        Log.EngineStopped(_logger, _workerId);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stopping.Dispose();
        _scanWake.Dispose();
    }

    /// <summary>Asks for a step of an instance if this process owns its partition; several asks while one runs make one more step.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="read">
    /// Whether the step must read the instance's inbox: <c>true</c> when someone may have written to it; <c>false</c>
    /// when only this process's own results and continuations are new.
    /// </param>
    public void Notify(string instanceId, bool read = true)
    {
        if (!_running || (!Owns(instanceId) && !HasLocalMessages(instanceId)))
        {
            return;
        }

        if (read)
        {
            _needsRead[instanceId] = 0;
        }

        lock (_stepGate)
        {
            if (_stepState.ContainsKey(instanceId))
            {
                _stepState[instanceId] = true;
                return;
            }

            _stepState[instanceId] = false;
        }

        Track(instanceId, 1);
        _steps.Writer.TryWrite(instanceId);
    }

    /// <summary>Remembers an instance this process just created, so its first step needs not read it back.</summary>
    /// <param name="instance">The created instance with the ETag of its row.</param>
    public void Created(InstanceRecord instance)
    {
        if (instance.ETag != default)
        {
            _cache.Set(instance, []);
        }

        Notify(instance.InstanceId, read: false);
    }

    /// <summary>Gets a task that completes when this process commits a terminal status for the instance.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <returns>The finished instance as committed; the task may never complete when another process finishes the instance.</returns>
    public Task<InstanceRecord> WhenCompletedLocally(string instanceId) =>
        _completionWaiters.GetOrAdd(instanceId, _ => new TaskCompletionSource<InstanceRecord>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Whether this process runs the instance's steps, so its completion is signalled here.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <returns><c>true</c> while the engine runs and owns the instance's partition.</returns>
    public bool RunsLocally(string instanceId) => _running && Owns(instanceId);

    /// <summary>Whether this process runs the instance and its last commit here left it unfinished.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <returns><c>true</c> when a finish would be committed, and signalled, here.</returns>
    public bool IsUnfinishedHere(string instanceId) =>
        RunsLocally(instanceId) && _cache.TryGet(instanceId) is { } cached && !cached.Instance.Status.IsTerminal();

    private bool Owns(string instanceId) => _owned[_store.PartitionOf(instanceId)];

    private void Track(string instanceId, int delta)
    {
        var count = _active.AddOrUpdate(instanceId, delta, (_, c) => c + delta);
        if (count <= 0)
        {
            _active.TryRemove(new KeyValuePair<string, int>(instanceId, count));
        }
    }

    private void SignalCompleted(InstanceRecord finished)
    {
        if (_completionWaiters.TryRemove(finished.InstanceId, out var waiter))
        {
            waiter.TrySetResult(finished);
        }
    }

    private async Task StepLoopAsync(CancellationToken cancellationToken)
    {
        await foreach (var instanceId in _steps.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await RunStepAsync(instanceId, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The index row stays, so the partition scan retries the instance later.
                Log.StepFailed(_logger, instanceId, ex);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                bool again;
                lock (_stepGate)
                {
                    again = _stepState.Remove(instanceId, out var dirty) && dirty;
                }

                Track(instanceId, -1);
                if (again)
                {
                    Notify(instanceId, read: false);
                }
            }
        }
    }
}
