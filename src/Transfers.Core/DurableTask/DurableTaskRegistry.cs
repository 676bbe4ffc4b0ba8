using Microsoft.Extensions.DependencyInjection;

namespace Transfers.Core.DurableTask;

/// <summary>
/// Orchestrations and activities by name. The engine and the Functions app both read it, so a name registered here
/// runs the same code in both places. Names are case-insensitive; instances are created per call from DI.
/// </summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<string, Type> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Type> _activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the registered orchestrations by name.</summary>
    public IReadOnlyDictionary<string, Type> Orchestrators => _orchestrators;

    /// <summary>Gets the registered activities by name.</summary>
    public IReadOnlyDictionary<string, Type> Activities => _activities;

    /// <summary>Registers an orchestration under its type name or the given name.</summary>
    /// <typeparam name="T">The orchestration type.</typeparam>
    /// <param name="name">The name; the type name when omitted.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddOrchestrator<T>(string? name = null) where T : class, ITaskOrchestrator
    {
        Add(_orchestrators, name ?? typeof(T).Name, typeof(T));
        return this;
    }

    /// <summary>Registers an activity under its type name or the given name.</summary>
    /// <typeparam name="T">The activity type.</typeparam>
    /// <param name="name">The name; the type name when omitted.</param>
    /// <returns>This registry.</returns>
    public DurableTaskRegistry AddActivity<T>(string? name = null) where T : class, ITaskActivity
    {
        Add(_activities, name ?? typeof(T).Name, typeof(T));
        return this;
    }

    /// <summary>Creates the orchestration registered under <paramref name="name"/>.</summary>
    /// <param name="name">The orchestration name.</param>
    /// <param name="services">The service provider that supplies its dependencies.</param>
    /// <param name="orchestrator">The new orchestration.</param>
    /// <returns><c>false</c> when no such name is registered.</returns>
    public bool TryCreateOrchestrator(string name, IServiceProvider services, out ITaskOrchestrator? orchestrator)
    {
        orchestrator = _orchestrators.TryGetValue(name, out var type)
            ? (ITaskOrchestrator)ActivatorUtilities.CreateInstance(services, type)
            : null;
        return orchestrator is not null;
    }

    /// <summary>Creates the activity registered under <paramref name="name"/>.</summary>
    /// <param name="name">The activity name.</param>
    /// <param name="services">The service provider that supplies its dependencies.</param>
    /// <param name="activity">The new activity.</param>
    /// <returns><c>false</c> when no such name is registered.</returns>
    public bool TryCreateActivity(string name, IServiceProvider services, out ITaskActivity? activity)
    {
        activity = _activities.TryGetValue(name, out var type)
            ? (ITaskActivity)ActivatorUtilities.CreateInstance(services, type)
            : null;
        return activity is not null;
    }

    private static void Add(Dictionary<string, Type> map, string name, Type type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (map.TryGetValue(name, out var existing) && existing != type)
        {
            throw new InvalidOperationException($"'{name}' is already registered to {existing.FullName}.");
        }

        map[name] = type;
    }
}
