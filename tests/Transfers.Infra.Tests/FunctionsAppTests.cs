using System.Text.RegularExpressions;
using Transfers.Core.DurableTask;

namespace Transfers.Infra.Tests;

/// <summary>
/// src/Transfers.Functions keeps step with Transfers.Core: every registered orchestration and activity has its
/// function in the <c>functions.metadata</c> the Worker SDK generated when the app was built (what the Functions host
/// indexes), the adapters implement the whole port, and the app is set up as the isolated worker expects.
/// </summary>
public sealed class FunctionsAppTests
{
    [Fact]
    public void Functions_EveryRegisteredOrchestration_HasAnOrchestrationTriggerFunction()
    {
        // Arrange
        var registered = CoreRegistrations.Registry.Orchestrators.Keys;

        // Act
        var missing = FunctionCoverage.Missing(registered, FunctionsMetadata.All, "orchestrationTrigger");

        // Assert
        Assert.NotEmpty(registered);
        Assert.True(missing.Count == 0, $"Add to src/Transfers.Functions/Orchestrations.cs a [Function(\"name\")] with [OrchestrationTrigger] for: {string.Join(", ", missing)}.");
    }

    [Fact]
    public void Functions_EveryRegisteredActivity_HasAnActivityTriggerFunction()
    {
        // Arrange
        var registered = CoreRegistrations.Registry.Activities.Keys;

        // Act
        var missing = FunctionCoverage.Missing(registered, FunctionsMetadata.All, "activityTrigger");

        // Assert
        Assert.NotEmpty(registered);
        Assert.True(missing.Count == 0, $"Add to src/Transfers.Functions/Activities.cs a [Function(\"name\")] with [ActivityTrigger] for: {string.Join(", ", missing)}.");
    }

    [Fact]
    public void Functions_EveryOrchestrationAndActivityFunction_RunsARegisteredName()
    {
        // Arrange
        var registry = CoreRegistrations.Registry;

        // Act
        var stale = FunctionsMetadata.All
            .Where(f => (f.Trigger == "orchestrationTrigger" && !registry.Orchestrators.ContainsKey(f.Name))
                || (f.Trigger == "activityTrigger" && !registry.Activities.ContainsKey(f.Name)))
            .Select(f => $"{f.Name} ({f.EntryPoint})")
            .ToList();

        // Assert
        Assert.True(stale.Count == 0, $"These functions name nothing registered in Transfers.Core: {string.Join(", ", stale)}.");
    }

    [Fact]
    public void Functions_Names_AreUnique()
    {
        // Arrange / Act
        var duplicates = FunctionsMetadata.All
            .GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToList();

        // Assert
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Build_FunctionsApp_CarriesTheHostExtensionsDurableFunctionsNeeds()
    {
        // Arrange
        var extensions = Path.Combine(FunctionsMetadata.OutputDirectory, ".azurefunctions");

        // Act
        var assemblies = Directory.Exists(extensions)
            ? Directory.GetFiles(extensions, "*.dll").Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal)
            : [];

        // Assert
        Assert.Contains("Microsoft.Azure.WebJobs.Extensions.DurableTask.dll", assemblies);
        Assert.Contains("DurableTask.AzureStorage.dll", assemblies);
        Assert.True(File.Exists(Path.Combine(FunctionsMetadata.OutputDirectory, "host.json")), "host.json is not copied next to the worker.");
    }

    [Fact]
    public void Core_EveryOrchestrationAndActivityType_IsRegistered()
    {
        // Arrange
        var registry = CoreRegistrations.Registry;
        var registeredTypes = registry.Orchestrators.Values.Concat(registry.Activities.Values).ToHashSet();

        // Act
        var unregistered = CoreRegistrations.CoreAssembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false })
            .Where(t => typeof(ITaskOrchestrator).IsAssignableFrom(t) || typeof(ITaskActivity).IsAssignableFrom(t))
            .Where(t => !registeredTypes.Contains(t))
            .Select(t => t.FullName)
            .ToList();

        // Assert
        Assert.True(
            unregistered.Count == 0,
            $"Not registered by {CoreRegistrations.SharedExtensionName} (so neither host can run them): {string.Join(", ", unregistered)}. Called: {string.Join(", ", CoreRegistrations.CalledExtensions)}.");
    }

    [Fact]
    public void Coverage_RegisteredNameWithoutFunction_IsReported()
    {
        // Arrange
        const string metadata = """
            [
              { "name": "ShareSync", "entryPoint": "Transfers.Functions.Orchestrations.ShareSync",
                "bindings": [ { "name": "context", "direction": "In", "type": "orchestrationTrigger" } ] },
              { "name": "CopyFiles", "entryPoint": "Transfers.Functions.Activities.CopyFiles",
                "bindings": [ { "name": "input", "direction": "In", "type": "activityTrigger" } ] },
              { "name": "Shares_Create", "entryPoint": "Transfers.Functions.HttpRoutes.SharesCreate",
                "bindings": [
                  { "name": "request", "direction": "In", "type": "httpTrigger", "authLevel": "Anonymous", "methods": [ "post" ], "route": "v1/shares" },
                  { "name": "client", "direction": "In", "type": "durableClient" },
                  { "name": "$return", "direction": "Out", "type": "http" } ] }
            ]
            """;
        var functions = FunctionsMetadata.Parse(metadata);

        // Act
        var missing = FunctionCoverage.Missing(["shareSync", "ExportModel", "CopyFiles"], functions, "orchestrationTrigger");

        // Assert
        Assert.Equal(["ShareSync", "CopyFiles", "Shares_Create"], functions.Select(f => f.Name));
        Assert.Equal(["orchestrationTrigger", "activityTrigger", "httpTrigger"], functions.Select(f => f.Trigger));
        Assert.Equal(["POST"], functions[2].Methods);
        Assert.Equal("v1/shares", functions[2].Route);
        Assert.Equal(["durableClient"], functions[2].InputBindings);
        Assert.Equal(["ExportModel", "CopyFiles"], missing);
    }

    [Fact]
    public void Adapters_OrchestrationContextAdapter_ImplementsEveryMemberOfThePort()
    {
        // Arrange
        var source = Repository.ReadText("src", "Transfers.DurableTask", "OrchestrationContextAdapter.cs");

        // Act
        var missing = MissingMembers(typeof(IOrchestrationContext), source);

        // Assert
        Assert.Matches(@"class OrchestrationContextAdapter\(TaskOrchestrationContext inner\) : Port\.IOrchestrationContext", source);
        Assert.Empty(missing);
    }

    [Fact]
    public void Adapters_DurableClientAdapter_ImplementsEveryMemberOfThePort()
    {
        // Arrange
        var source = Repository.ReadText("src", "Transfers.DurableTask", "DurableClientAdapter.cs");

        // Act
        var missing = MissingMembers(typeof(IDurableClient), source);

        // Assert
        Assert.Matches(@"class DurableClientAdapter\(DurableTaskClient inner, Port\.DurableTaskRegistry registry\) : Port\.IDurableClient", source);
        Assert.Empty(missing);
    }

    [Fact]
    public void Adapters_CurrentDurableClient_ForwardsEveryMemberOfThePort()
    {
        // Arrange
        var source = Repository.ReadText("src", "Transfers.Functions", "CurrentDurableClient.cs");
        var registration = Repository.ReadText("src", "Transfers.Functions", "FunctionsServiceCollectionExtensions.cs");

        // Act
        var missing = MissingMembers(typeof(IDurableClient), source);

        // Assert
        Assert.Empty(missing);
        Assert.Equal(typeof(IDurableClient).GetMethods().Length, Regex.Count(source, @"=>\s*Adapter\(\)\."));
        Assert.Contains("ServiceDescriptor.Singleton<IDurableClient, CurrentDurableClient>()", registration, StringComparison.Ordinal);
    }

    [Fact]
    public void Adapters_StatusMapping_CoversEveryPortStatus()
    {
        // Arrange
        var source = Repository.ReadText("src", "Transfers.DurableTask", "DurableClientAdapter.cs");

        // Act
        var unmapped = Enum.GetNames<OrchestrationRuntimeStatus>()
            .Where(name => !source.Contains($"OrchestrationRuntimeStatus.{name} => Port.OrchestrationRuntimeStatus.{name}", StringComparison.Ordinal)
                || !source.Contains($"Port.OrchestrationRuntimeStatus.{name} => OrchestrationRuntimeStatus.{name}", StringComparison.Ordinal))
            .ToList();

        // Assert
        Assert.Empty(unmapped);
    }

    [Fact]
    public void Program_Host_UsesTheIsolatedWorkerAndTheSharedRegistrations()
    {
        // Arrange / Act
        var program = Repository.ReadText("src", "Transfers.Functions", "Program.cs");

        // Assert
        Assert.Contains("FunctionsApplication.CreateBuilder(args)", program, StringComparison.Ordinal);
        Assert.Contains(".ConfigureFunctionsWebApplication()", program, StringComparison.Ordinal);
        Assert.Contains(".AddTransfersFunctions()", program, StringComparison.Ordinal);
        Assert.Contains("builder.Services.AddTransfersApi();", program, StringComparison.Ordinal);
        Assert.Contains("endpoints.MapTransfersApi()", program, StringComparison.Ordinal);
    }

    [Fact]
    public void Reconcile_TimerFunction_RunsTheCoreReconcilerOverTheBoundDurableClient()
    {
        // Arrange / Act
        var function = FunctionsMetadata.All.Single(f => f.Name == "Reconcile");
        var source = Repository.ReadText("src", "Transfers.Functions", "Reconcile.cs");

        // Assert: a timer (a CRON with seconds, as Flex Consumption needs) that only hands the bound client to Core
        Assert.Equal("timerTrigger", function.Trigger);
        Assert.Equal(["durableClient"], function.InputBindings);
        Assert.Contains("[TimerTrigger(Schedule)] TimerInfo", source, StringComparison.Ordinal);
        Assert.Contains("reconciler.ReconcileIfDueAsync(new DurableClientAdapter(client, registry), cancellationToken)", source, StringComparison.Ordinal);
        Assert.Contains("public const string Schedule = \"*/10 * * * * *\";", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Project_References_TheWorkerAndDurableTaskPackagesAndLinksHostJson()
    {
        // Arrange
        var project = Repository.ReadText("src", "Transfers.Functions", "Transfers.Functions.csproj");
        var versions = Repository.ReadText("Directory.Packages.props");
        var expected = new Dictionary<string, int>
        {
            ["Microsoft.Azure.Functions.Worker"] = 2,
            ["Microsoft.Azure.Functions.Worker.Sdk"] = 2,
            ["Microsoft.Azure.Functions.Worker.Extensions.DurableTask"] = 1,
            ["Microsoft.Azure.Functions.Worker.Extensions.Http"] = 3,
            ["Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore"] = 2,
        };

        // Act / Assert
        foreach (var (package, major) in expected)
        {
            Assert.Contains($"<PackageReference Include=\"{package}\" />", project, StringComparison.Ordinal);
            var version = Regex.Match(versions, $"<PackageVersion Include=\"{Regex.Escape(package)}\" Version=\"(?<v>[^\"]+)\"");
            Assert.True(version.Success, $"Directory.Packages.props has no version of {package}.");
            Assert.Equal(major, Version.Parse(version.Groups["v"].Value).Major);
        }

        Assert.Contains("<OutputType>Exe</OutputType>", project, StringComparison.Ordinal);
        Assert.Contains("<AzureFunctionsVersion>v4</AzureFunctionsVersion>", project, StringComparison.Ordinal);
        Assert.Matches(@"<None Include=""\.\.\\\.\.\\host\.json"" Link=""host\.json"">", project);
    }

    private static List<string> MissingMembers(Type port, string source)
    {
        var members = port.GetMethods().Where(m => !m.IsSpecialName).Select(m => m.Name)
            .Concat(port.GetProperties().Select(p => p.Name))
            .Distinct();
        return members
            .Where(name => !Regex.IsMatch(source, $@"public\s+[^;{{}}=]*\b{Regex.Escape(name)}\b\s*(<[^>]*>)?\s*(\(|=>|\{{)"))
            .ToList();
    }
}

/// <summary>Which registered names have no function with the given trigger.</summary>
internal static class FunctionCoverage
{
    public static List<string> Missing(IEnumerable<string> registeredNames, IEnumerable<GeneratedFunction> functions, string trigger)
    {
        var declared = functions.Where(f => f.Trigger == trigger).Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return registeredNames.Where(name => !declared.Contains(name)).ToList();
    }
}
