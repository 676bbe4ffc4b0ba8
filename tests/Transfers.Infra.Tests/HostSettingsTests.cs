using System.Text.Json.Nodes;

namespace Transfers.Infra.Tests;

/// <summary>host.json and local.settings.sample.json carry what the Functions host and Durable Functions need.</summary>
public sealed class HostSettingsTests
{
    private static JsonNode HostJson => JsonNode.Parse(Repository.ReadText("host.json"))!;

    private static JsonObject LocalValues => JsonNode.Parse(Repository.ReadText("local.settings.sample.json"))!["Values"]!.AsObject();

    [Fact]
    public void HostJson_Version_Is20WithExtensionsAtTheTopLevel()
    {
        // Arrange / Act
        var host = HostJson;

        // Assert
        Assert.Equal("2.0", (string?)host["version"]);
        Assert.NotNull(host["extensions"]);
        Assert.Null(host["extensions"]!["extensions"]);
        Assert.Null(host["durableTask"]);
    }

    [Fact]
    public void HostJson_Http_RoutePrefixIsEmpty()
    {
        // Arrange / Act
        var prefix = (string?)HostJson["extensions"]!["http"]!["routePrefix"];

        // Assert
        Assert.Equal(string.Empty, prefix);
    }

    [Fact]
    public void HostJson_DurableTask_NamesTheHubAndTunesTheStorageProvider()
    {
        // Arrange / Act
        var durable = HostJson["extensions"]!["durableTask"]!;
        var provider = durable["storageProvider"]!;

        // Assert
        Assert.Equal("%TRANSFERS_TASKHUB%", (string?)durable["hubName"]);
        Assert.InRange((int)provider["partitionCount"]!, 1, 16);
        Assert.Equal("AzureWebJobsStorage", (string?)provider["connectionName"]);
        Assert.True((int)durable["maxConcurrentActivityFunctions"]! > 0);
        Assert.True((int)durable["maxConcurrentOrchestratorFunctions"]! > 0);
        Assert.False((bool)durable["extendedSessionsEnabled"]!);
    }

    [Fact]
    public void HostJson_Logging_HasLevelsAndApplicationInsightsSampling()
    {
        // Arrange / Act
        var logging = HostJson["logging"]!;

        // Assert
        Assert.NotNull((string?)logging["logLevel"]!["default"]);
        Assert.NotNull(logging["logLevel"]!["DurableTask.AzureStorage"]);
        Assert.True((bool)logging["applicationInsights"]!["samplingSettings"]!["isEnabled"]!);
        Assert.Contains("Request", (string?)logging["applicationInsights"]!["samplingSettings"]!["excludedTypes"], StringComparison.Ordinal);
    }

    [Fact]
    public void HostJson_HubNameSetting_IsProvidedLocallyAndOnAzure()
    {
        // Arrange
        var setting = ((string)HostJson["extensions"]!["durableTask"]!["hubName"]!).Trim('%');

        // Act
        var local = (string?)LocalValues[setting];
        var azure = Repository.ReadText("infra", "app", "function.bicep");

        // Assert
        Assert.Equal("TransfersHub", local);
        Assert.Contains($"{setting}: taskHubName", azure, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalSettingsSample_Values_RunTheIsolatedWorkerOnAzurite()
    {
        // Arrange / Act
        var root = JsonNode.Parse(Repository.ReadText("local.settings.sample.json"))!;
        var values = LocalValues;

        // Assert
        Assert.False((bool)root["IsEncrypted"]!);
        Assert.Equal("UseDevelopmentStorage=true", (string?)values["AzureWebJobsStorage"]);
        Assert.Equal("dotnet-isolated", (string?)values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)values["Transfers__AdminApiKey"]));
    }

    [Fact]
    public void LocalSettingsSample_TransfersSettings_MatchTheAzureDefaults()
    {
        // Arrange
        var main = BicepCli.MainTemplate.Parameters;

        // Act
        var values = LocalValues;

        // Assert
        Assert.Equal((string?)main["sharesSyncInterval"]!["defaultValue"], (string?)values["Transfers__Shares__SyncInterval"]);
        Assert.Equal((string?)main["sharesAccessTtl"]!["defaultValue"], (string?)values["Transfers__Shares__AccessTtl"]);
        Assert.Equal((string?)main["ownershipInviteTtl"]!["defaultValue"], (string?)values["Transfers__Ownership__InviteTtl"]);
    }

    [Fact]
    public void LocalSettingsSample_Grants_OnlyTheAdminTenantReachesTheHostAccountAndTheWarehouse()
    {
        // Arrange / Act
        var grants = LocalValues.Where(p => p.Key.StartsWith("Transfers__Grants__", StringComparison.Ordinal)).ToList();
        var tenants = LocalValues.Where(p => p.Key.StartsWith("Transfers__ConnectionTenants__", StringComparison.Ordinal)).ToList();

        // Assert: tenant default (the admin key) is granted the host's account and run.sh's warehouse, no other tenant anything.
        Assert.Equal(["Transfers__Grants__default__default", "Transfers__Grants__default__warehouse"], grants.Select(g => g.Key).Order(StringComparer.Ordinal));
        Assert.All(grants, g => Assert.Equal("*", (string?)g.Value));
        Assert.Empty(tenants);
    }

    [Fact]
    public void LocalSettingsSample_Warehouse_IsTheServerRunShStartsOnItsDefaultPort()
    {
        // Arrange
        var scripts = Repository.ReadText("scripts", "postgres.sh");
        var run = Repository.ReadText("run.sh");

        // Act
        var warehouse = new Npgsql.NpgsqlConnectionStringBuilder((string?)LocalValues["Transfers__Connections__warehouse"]);

        // Assert
        Assert.Equal("127.0.0.1", warehouse.Host);
        Assert.Contains($"POSTGRES_PORT:-{warehouse.Port}}}", run, StringComparison.Ordinal);
        Assert.Equal("transfers", warehouse.Username);
        Assert.Contains($"POSTGRES_DEV_PASSWORD='{warehouse.Password}'", scripts, StringComparison.Ordinal);
        Assert.Contains("-U transfers", scripts, StringComparison.Ordinal);
    }
}
