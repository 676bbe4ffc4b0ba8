using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Transfers.Infra.Tests;

/// <summary>infra/main.bicep compiles and lints clean, and declares the Azure resources the service needs.</summary>
public sealed class BicepTemplateTests
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    [Fact]
    public void Build_MainTemplate_SucceedsWithoutErrorsOrWarnings()
    {
        // Arrange / Act
        var result = BicepCli.BuildMain;

        // Assert
        Assert.True(result.ExitCode == 0, $"bicep build failed ({result.ExitCode}):\n{result.StandardError}");
        Assert.Empty(result.Diagnostics);
        Assert.NotNull(JsonNode.Parse(result.StandardOutput)?["resources"]);
    }

    [Fact]
    public void Lint_MainTemplate_ReportsNoDiagnostics()
    {
        // Arrange / Act
        var result = BicepCli.LintMain;

        // Assert
        Assert.True(result.ExitCode == 0, $"bicep lint failed ({result.ExitCode}):\n{result.StandardError}{result.StandardOutput}");
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Build_MainTemplate_DeclaresEveryResourceTheAppNeeds()
    {
        // Arrange
        string[] expected =
        [
            "Microsoft.ManagedIdentity/userAssignedIdentities",
            "Microsoft.Storage/storageAccounts",
            "Microsoft.Storage/storageAccounts/blobServices",
            "Microsoft.Storage/storageAccounts/blobServices/containers",
            "Microsoft.Storage/storageAccounts/queueServices",
            "Microsoft.Storage/storageAccounts/tableServices",
            "Microsoft.OperationalInsights/workspaces",
            "Microsoft.Insights/components",
            "Microsoft.KeyVault/vaults",
            "Microsoft.KeyVault/vaults/secrets",
            "Microsoft.Authorization/roleAssignments",
            "Microsoft.Web/serverfarms",
            "Microsoft.Web/sites",
            "Microsoft.Web/sites/config",
            "Microsoft.DBforPostgreSQL/flexibleServers",
            "Microsoft.DBforPostgreSQL/flexibleServers/administrators",
            "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
            "Microsoft.DBforPostgreSQL/flexibleServers/databases",
        ];

        // Act
        var types = BicepCli.MainTemplate.Resources.Select(r => r.Type).ToHashSet(StringComparer.OrdinalIgnoreCase);

        // Assert
        Assert.All(expected, type => Assert.Contains(type, types));
    }

    [Fact]
    public void Build_StorageAccount_DisablesSharedKeysAndPublicBlobsAndRequiresTls12()
    {
        // Arrange / Act
        var properties = BicepCli.MainTemplate.Single("Microsoft.Storage/storageAccounts").Properties!;

        // Assert
        Assert.False((bool)properties["allowSharedKeyAccess"]!);
        Assert.False((bool)properties["allowBlobPublicAccess"]!);
        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
        Assert.True((bool)properties["supportsHttpsTrafficOnly"]!);
    }

    [Fact]
    public void Build_DeploymentContainer_IsPrivate()
    {
        // Arrange / Act
        var container = BicepCli.MainTemplate.Single("Microsoft.Storage/storageAccounts/blobServices/containers");

        // Assert
        Assert.Equal("None", (string?)container.Properties!["publicAccess"]);
    }

    [Fact]
    public void Build_StorageRoleAssignments_GrantBlobOwnerQueueAndTableContributorToTheAppIdentity()
    {
        // Arrange
        var template = BicepCli.MainTemplate;

        // Act
        var storageRoles = template.OfType("Microsoft.Authorization/roleAssignments")
            .Where(r => ((string?)r.Json["scope"] ?? string.Empty).Contains("Microsoft.Storage/storageAccounts", StringComparison.Ordinal))
            .Select(r => r.Resolve((string)r.Properties!["roleDefinitionId"]!))
            .ToList();

        // Assert
        Assert.Equal(3, storageRoles.Count);
        Assert.Contains(storageRoles, r => r.Contains(StorageBlobDataOwner, StringComparison.Ordinal));
        Assert.Contains(storageRoles, r => r.Contains(StorageQueueDataContributor, StringComparison.Ordinal));
        Assert.Contains(storageRoles, r => r.Contains(StorageTableDataContributor, StringComparison.Ordinal));
        Assert.All(template.OfType("Microsoft.Authorization/roleAssignments"), r =>
        {
            Assert.Equal("[parameters('principalId')]", (string?)r.Properties!["principalId"]);
            Assert.Equal("[parameters('principalType')]", (string?)r.Properties!["principalType"]);
        });
        var rbac = template.ModuleDeclaring("Microsoft.Authorization/roleAssignments");
        var principal = (string?)rbac["properties"]!["parameters"]!["principalId"]!["value"];
        Assert.Contains("'identity'", principal, StringComparison.Ordinal);
        Assert.Contains("outputs.principalId.value", principal, StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", (string?)rbac["properties"]!["template"]!["parameters"]!["principalType"]!["defaultValue"]);
    }

    [Fact]
    public void Build_OtherRoleAssignments_GrantMetricsPublisherOnInsightsAndSecretsUserOnKeyVault()
    {
        // Arrange
        var assignments = BicepCli.MainTemplate.OfType("Microsoft.Authorization/roleAssignments").ToList();

        // Act
        string RoleScopedTo(string scopeType)
        {
            var assignment = Assert.Single(assignments, a => ((string?)a.Json["scope"] ?? string.Empty).Contains(scopeType, StringComparison.Ordinal));
            return assignment.Resolve((string)assignment.Properties!["roleDefinitionId"]!);
        }

        // Assert
        Assert.Contains(MonitoringMetricsPublisher, RoleScopedTo("Microsoft.Insights/components"), StringComparison.Ordinal);
        Assert.Contains(KeyVaultSecretsUser, RoleScopedTo("Microsoft.KeyVault/vaults"), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Plan_IsFlexConsumptionFc1OnLinux()
    {
        // Arrange / Act
        var plan = BicepCli.MainTemplate.Single("Microsoft.Web/serverfarms");

        // Assert
        Assert.Equal("FC1", (string?)plan.Json["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan.Json["sku"]!["tier"]);
        Assert.True((bool)plan.Properties!["reserved"]!);
    }

    [Fact]
    public void Build_FunctionApp_IsHttpsOnlyWithTls12AndRunsAsTheUserAssignedIdentity()
    {
        // Arrange / Act
        var site = BicepCli.MainTemplate.Single("Microsoft.Web/sites");

        // Assert
        Assert.Equal("functionapp,linux", (string?)site.Json["kind"]);
        Assert.True((bool)site.Properties!["httpsOnly"]!);
        Assert.Equal("1.2", (string?)site.Properties!["siteConfig"]!["minTlsVersion"]);
        Assert.Equal("Disabled", (string?)site.Properties!["siteConfig"]!["ftpsState"]);
        Assert.Equal("UserAssigned", (string?)site.Json["identity"]!["type"]);
        Assert.Equal("[parameters('identityId')]", (string?)site.Properties!["keyVaultReferenceIdentity"]);
    }

    [Fact]
    public void Build_FunctionAppConfig_RunsDotnetIsolatedFromAnIdentityAuthenticatedBlobContainer()
    {
        // Arrange / Act
        var config = BicepCli.MainTemplate.Single("Microsoft.Web/sites").Properties!["functionAppConfig"]!;

        // Assert
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("[parameters('runtimeVersion')]", (string?)config["runtime"]!["version"]);
        Assert.Equal("blobContainer", (string?)config["deployment"]!["storage"]!["type"]);
        Assert.Contains("primaryEndpoints.blob", (string?)config["deployment"]!["storage"]!["value"], StringComparison.Ordinal);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.Equal("[parameters('identityId')]", (string?)config["deployment"]!["storage"]!["authentication"]!["userAssignedIdentityResourceId"]);
        Assert.Equal("[parameters('instanceMemoryMB')]", (string?)config["scaleAndConcurrency"]!["instanceMemoryMB"]);
        Assert.Equal("[parameters('maximumInstanceCount')]", (string?)config["scaleAndConcurrency"]!["maximumInstanceCount"]);
    }

    [Fact]
    public void Build_AppSettings_ConnectStorageWithTheManagedIdentityOnly()
    {
        // Arrange / Act
        var settings = AppSettings();

        // Assert
        Assert.Contains("primaryEndpoints.blob", settings["AzureWebJobsStorage__blobServiceUri"], StringComparison.Ordinal);
        Assert.Contains("primaryEndpoints.queue", settings["AzureWebJobsStorage__queueServiceUri"], StringComparison.Ordinal);
        Assert.Contains("primaryEndpoints.table", settings["AzureWebJobsStorage__tableServiceUri"], StringComparison.Ordinal);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("[parameters('identityClientId')]", settings["AzureWebJobsStorage__clientId"]);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.DoesNotContain(settings.Values, v => v.Contains("AccountKey", StringComparison.OrdinalIgnoreCase) || v.Contains("listKeys", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Build_AppSettings_LeaveTheWorkerRuntimeToFunctionAppConfig()
    {
        // Arrange / Act
        var settings = AppSettings();

        // Assert: Flex Consumption rejects these as app settings.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings.Keys);
    }

    [Fact]
    public void Build_AppSettings_SendTelemetryWithEntraIdAuthentication()
    {
        // Arrange / Act
        var settings = AppSettings();
        var insights = BicepCli.MainTemplate.Single("Microsoft.Insights/components");

        // Assert
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", settings.Keys);
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.True((bool)insights.Properties!["DisableLocalAuth"]!);
        Assert.NotNull(insights.Properties!["WorkspaceResourceId"]);
    }

    [Fact]
    public void Build_AppSettings_ReadTheAdminKeyFromKeyVault()
    {
        // Arrange / Act
        var settings = AppSettings();
        var vault = BicepCli.MainTemplate.Single("Microsoft.KeyVault/vaults");
        var secret = BicepCli.MainTemplate.Single("Microsoft.KeyVault/vaults/secrets");

        // Assert
        Assert.Equal("[format('@Microsoft.KeyVault(SecretUri={0})', parameters('adminApiKeySecretUri'))]", settings["Transfers__AdminApiKey"]);
        Assert.True((bool)vault.Properties!["enableRbacAuthorization"]!);
        Assert.Equal("[parameters('adminApiKey')]", (string?)secret.Properties!["value"]);
        Assert.Equal("securestring", (string?)secret.Template["parameters"]!["adminApiKey"]!["type"]);
        Assert.Equal("securestring", (string?)BicepCli.MainTemplate.Parameters["adminApiKey"]!["type"]);
    }

    [Fact]
    public void Build_AppSettings_GrantTheHostAccountAndTheWarehouseToTheAdminTenantOnly()
    {
        // Arrange / Act
        var grants = AppSettings().Where(p => p.Key.StartsWith("Transfers__Grants__", StringComparison.Ordinal)).ToList();

        // Assert: other tenants reach nothing until the admin grants them a connection.
        Assert.Equal(["Transfers__Grants__default__default", "Transfers__Grants__default__warehouse"], grants.Select(g => g.Key).Order(StringComparer.Ordinal));
        Assert.All(grants, g => Assert.Equal("*", g.Value));
    }

    [Fact]
    public void Build_PostgresServer_IsBurstableWithEntraIdSignInOnlyAndTheAppIdentityAsAdministrator()
    {
        // Arrange
        var template = BicepCli.MainTemplate;
        var module = template.ModuleDeclaring("Microsoft.DBforPostgreSQL/flexibleServers")["properties"]!["parameters"]!;

        // Act
        var server = template.Single("Microsoft.DBforPostgreSQL/flexibleServers");
        var administrator = template.Single("Microsoft.DBforPostgreSQL/flexibleServers/administrators");
        var firewall = template.Single("Microsoft.DBforPostgreSQL/flexibleServers/firewallRules");
        var database = template.Single("Microsoft.DBforPostgreSQL/flexibleServers/databases");

        // Assert: no password login exists at all, only the app identity's Entra ID tokens.
        Assert.Equal("Burstable", (string?)server.Json["sku"]!["tier"]);
        Assert.Contains((string?)template.Parameters["postgresVersion"]!["defaultValue"], new[] { "16", "17" });
        Assert.Equal("Enabled", (string?)server.Properties!["authConfig"]!["activeDirectoryAuth"]);
        Assert.Equal("Disabled", (string?)server.Properties!["authConfig"]!["passwordAuth"]);
        Assert.Null(server.Properties!["administratorLogin"]);
        Assert.Null(server.Properties!["administratorLoginPassword"]);
        Assert.Equal("ServicePrincipal", (string?)administrator.Properties!["principalType"]);
        Assert.Contains("administratorPrincipalId", (string?)administrator.Json["name"], StringComparison.Ordinal);
        Assert.Contains("'identity'", (string?)module["administratorPrincipalId"]!["value"], StringComparison.Ordinal);
        Assert.Contains("outputs.principalId", (string?)module["administratorPrincipalId"]!["value"], StringComparison.Ordinal);
        Assert.Contains("outputs.name", (string?)module["administratorName"]!["value"], StringComparison.Ordinal);
        Assert.Equal("0.0.0.0", (string?)firewall.Properties!["startIpAddress"]);
        Assert.Equal("0.0.0.0", (string?)firewall.Properties!["endIpAddress"]);
        Assert.Equal("warehouse", (string?)database.Template["parameters"]!["databaseName"]!["defaultValue"]);
    }

    [Fact]
    public void Build_AppSettings_ConnectTheWarehouseWithTheManagedIdentityOnly()
    {
        // Arrange
        var function = BicepCli.MainTemplate.ModuleDeclaring("Microsoft.Web/sites")["properties"]!["parameters"]!;

        // Act
        var settings = AppSettings();

        // Assert: host, database and the identity's name and client id; the password is a token got at run time.
        Assert.Equal("[parameters('warehouseHost')]", settings["Transfers__Connections__warehouse__host"]);
        Assert.Equal("[parameters('warehouseDatabase')]", settings["Transfers__Connections__warehouse__database"]);
        Assert.Equal("[parameters('identityName')]", settings["Transfers__Connections__warehouse__username"]);
        Assert.Equal("[parameters('identityClientId')]", settings["Transfers__Connections__warehouse__clientId"]);
        Assert.Contains("outputs.host", (string?)function["warehouseHost"]!["value"], StringComparison.Ordinal);
        Assert.Contains("outputs.databaseName", (string?)function["warehouseDatabase"]!["value"], StringComparison.Ordinal);
        Assert.DoesNotContain(settings, p => p.Key.StartsWith("Transfers__Connections__warehouse", StringComparison.Ordinal) && p.Key.Contains("password", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(settings.Values, v => v.Contains("Password=", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Build_AppSettings_CarryTheTaskHubAndTheTransfersDefaults()
    {
        // Arrange
        var function = BicepCli.MainTemplate.ModuleDeclaring("Microsoft.Web/sites")["properties"]!["parameters"]!;
        var main = BicepCli.MainTemplate.Parameters;

        // Act
        var settings = AppSettings();

        // Assert
        Assert.Equal("[parameters('taskHubName')]", settings["TRANSFERS_TASKHUB"]);
        Assert.Equal("TransfersHub", (string?)main["taskHubName"]!["defaultValue"]);
        Assert.Equal("[parameters('sharesSyncInterval')]", settings["Transfers__Shares__SyncInterval"]);
        Assert.Equal("[parameters('sharesAccessTtl')]", settings["Transfers__Shares__AccessTtl"]);
        Assert.Equal("[parameters('ownershipInviteTtl')]", settings["Transfers__Ownership__InviteTtl"]);
        Assert.Equal("[parameters('sharesSyncInterval')]", (string?)function["sharesSyncInterval"]!["value"]);
        Assert.Equal("00:05:00", (string?)main["sharesSyncInterval"]!["defaultValue"]);
        Assert.Equal("7.00:00:00", (string?)main["sharesAccessTtl"]!["defaultValue"]);
        Assert.Equal("7.00:00:00", (string?)main["ownershipInviteTtl"]!["defaultValue"]);
    }

    [Fact]
    public void Build_Outputs_IncludeWhatTheDeployGuideUses()
    {
        // Arrange
        string[] expected =
        [
            "AZURE_FUNCTION_APP_NAME",
            "SERVICE_API_URI",
            "AZURE_RESOURCE_GROUP",
            "AZURE_STORAGE_ACCOUNT_NAME",
            "AZURE_KEY_VAULT_NAME",
            "AZURE_LOCATION",
        ];

        // Act
        var outputs = BicepCli.MainTemplate.Outputs.Select(o => o.Key).ToList();
        var guide = Repository.ReadText("docs", "azure.md");

        // Assert
        Assert.All(expected, name =>
        {
            Assert.Contains(name, outputs);
            Assert.Contains(name, guide, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Docs_AzureGuide_CoversAzdTheAzureCliAndFuncStart()
    {
        // Arrange / Act
        var guide = Repository.ReadText("docs", "azure.md");

        // Assert
        Assert.Contains("azd up", guide, StringComparison.Ordinal);
        Assert.Contains("az deployment group create", guide, StringComparison.Ordinal);
        Assert.Contains("--template-file infra/main.bicep", guide, StringComparison.Ordinal);
        Assert.Contains("func azure functionapp publish", guide, StringComparison.Ordinal);
        Assert.Contains("func start", guide, StringComparison.Ordinal);
        Assert.Contains("TRANSFERS_ADMIN_API_KEY", guide, StringComparison.Ordinal);
        Assert.Contains("${TRANSFERS_ADMIN_API_KEY}", Repository.ReadText("infra", "main.parameters.json"), StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_EveryRequiredParameter_HasAValueInMainParametersJson()
    {
        // Arrange
        var values = JsonNode.Parse(Repository.ReadText("infra", "main.parameters.json"))!["parameters"]!.AsObject();

        // Act
        var required = BicepCli.MainTemplate.Parameters
            .Where(p => p.Value!["defaultValue"] is null)
            .Select(p => p.Key)
            .ToList();

        // Assert
        Assert.NotEmpty(required);
        Assert.All(required, name => Assert.True(values.ContainsKey(name), $"main.parameters.json has no value for '{name}'."));
        Assert.All(values, p => Assert.True(BicepCli.MainTemplate.Parameters.ContainsKey(p.Key), $"main.bicep has no parameter '{p.Key}'."));
    }

    [Fact]
    public void Sources_BicepFiles_UseOnlyLocalModules()
    {
        // Arrange
        var files = Directory.GetFiles(Repository.PathOf("infra"), "*.bicep", SearchOption.AllDirectories);

        // Act
        var modules = files
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"^\s*module\s+\w+\s+'(?<path>[^']+)'", RegexOptions.Multiline))
            .Select(m => m.Groups["path"].Value)
            .ToList();

        // Assert
        Assert.NotEmpty(modules);
        Assert.All(modules, path =>
        {
            Assert.False(path.StartsWith("br", StringComparison.Ordinal) || path.StartsWith("ts", StringComparison.Ordinal), $"'{path}' is a registry module.");
            Assert.True(File.Exists(Repository.PathOf("infra", path)), $"'{path}' does not exist.");
        });
    }

    [Fact]
    public void BicepConfig_LinterRules_AreRaisedToError()
    {
        // Arrange
        var config = JsonNode.Parse(Repository.ReadText("infra", "bicepconfig.json"))!;

        // Act
        var rules = config["analyzers"]!["core"]!["rules"]!.AsObject();

        // Assert
        Assert.True((bool)config["analyzers"]!["core"]!["enabled"]!);
        Assert.True(rules.Count >= 20, $"Only {rules.Count} rules are configured.");
        Assert.All(rules, rule => Assert.Equal("error", (string?)rule.Value!["level"]));
        Assert.All(
            new[] { "no-unused-params", "secure-secrets-in-params", "outputs-should-not-contain-secrets", "no-hardcoded-env-urls", "use-secure-value-for-secure-inputs" },
            name => Assert.True(rules.ContainsKey(name), $"'{name}' is not configured."));
    }

    [Fact]
    public void AzureYaml_Service_DeploysTheFunctionsProjectWithBicepFromInfra()
    {
        // Arrange / Act
        var yaml = Repository.ReadText("azure.yaml");

        // Assert
        Assert.Matches(@"(?m)^infra:\s*$", yaml);
        Assert.Matches(@"(?m)^\s+provider:\s*bicep\s*$", yaml);
        Assert.Matches(@"(?m)^\s+path:\s*infra\s*$", yaml);
        Assert.Matches(@"(?m)^\s+api:\s*$", yaml);
        Assert.Matches(@"(?m)^\s+project:\s*\./src/Transfers\.Functions\s*$", yaml);
        Assert.Matches(@"(?m)^\s+language:\s*dotnet\s*$", yaml);
        Assert.Matches(@"(?m)^\s+host:\s*function\s*$", yaml);
        Assert.True(File.Exists(Repository.PathOf("src", "Transfers.Functions", "Transfers.Functions.csproj")));
        Assert.Contains("\"api\"", BicepCli.MainTemplate.ModuleDeclaring("Microsoft.Web/sites")["properties"]!["parameters"]!["serviceName"]!.ToJsonString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> AppSettings() =>
        BicepCli.MainTemplate.Single("Microsoft.Web/sites/config").Properties!.AsObject()
            .ToDictionary(p => p.Key, p => (string)p.Value!);
}
