using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transfers.Core.DurableTask;

namespace Transfers.Infra.Tests;

/// <summary>
/// The orchestrations and activities Transfers.Core registers, found the way a host finds them: by running Core's
/// registration extension on a fresh <see cref="ServiceCollection"/> and reading its <see cref="DurableTaskRegistry"/>.
/// </summary>
/// <remarks>
/// The extension is <c>AddTransfersCore</c> when Core has it (the one the local host and the Functions app call).
/// Until then every public <c>Add*</c> extension of <see cref="IServiceCollection"/> in Core whose parameters can be
/// supplied (an <see cref="IConfiguration"/> built from local.settings.sample.json, or optional ones) is called.
/// </remarks>
internal static class CoreRegistrations
{
    public const string SharedExtensionName = "AddTransfersCore";

    private static readonly Lazy<(DurableTaskRegistry Registry, IReadOnlyList<string> Called)> Built = new(Build);

    public static DurableTaskRegistry Registry => Built.Value.Registry;

    public static IReadOnlyList<string> CalledExtensions => Built.Value.Called;

    public static Assembly CoreAssembly => typeof(DurableTaskRegistry).Assembly;

    private static (DurableTaskRegistry, IReadOnlyList<string>) Build()
    {
        var services = new ServiceCollection();
        var configuration = LocalConfiguration();
        var extensions = CoreAssembly.GetTypes()
            .Where(t => t is { IsAbstract: true, IsSealed: true, IsPublic: true })
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.IsDefined(typeof(ExtensionAttribute)) && !m.IsGenericMethodDefinition)
            .Where(m => m.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(IServiceCollection))
            .ToList();
        var shared = extensions.Where(m => m.Name == SharedExtensionName).ToList();
        var toCall = shared.Count > 0
            ? shared.OrderByDescending(m => m.GetParameters().Length).Take(1)
            : extensions.Where(m => m.Name.StartsWith("Add", StringComparison.Ordinal) && m.Name != nameof(DurableTaskServiceCollectionExtensions.AddDurableTasks));
        var called = new List<string>();
        foreach (var method in toCall)
        {
            if (TryArguments(method, services, configuration) is { } arguments)
            {
                method.Invoke(null, arguments);
                called.Add($"{method.DeclaringType!.Name}.{method.Name}");
            }
        }

        var registry = services
            .Where(d => d.ServiceType == typeof(DurableTaskRegistry))
            .Select(d => d.ImplementationInstance)
            .OfType<DurableTaskRegistry>()
            .LastOrDefault() ?? new DurableTaskRegistry();
        return (registry, called);
    }

    private static object?[]? TryArguments(MethodInfo method, IServiceCollection services, IConfiguration configuration)
    {
        var parameters = method.GetParameters();
        var arguments = new object?[parameters.Length];
        arguments[0] = services;
        for (var i = 1; i < parameters.Length; i++)
        {
            var type = parameters[i].ParameterType;
            if (type.IsAssignableFrom(typeof(IConfigurationRoot)))
            {
                arguments[i] = configuration;
            }
            else if (parameters[i].HasDefaultValue)
            {
                arguments[i] = parameters[i].DefaultValue;
            }
            else
            {
                return null;
            }
        }

        return arguments;
    }

    private static IConfigurationRoot LocalConfiguration()
    {
        var values = JsonNode.Parse(Repository.ReadText("local.settings.sample.json"))!["Values"]!.AsObject()
            .Select(p => KeyValuePair.Create(p.Key.Replace("__", ":", StringComparison.Ordinal), (string?)p.Value));
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
