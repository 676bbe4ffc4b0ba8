metadata description = 'The Flex Consumption (FC1) plan and the .NET isolated function app that runs Transfers, with identity-based connections only.'

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to both resources.')
param tags object = {}

@description('azd service name in azure.yaml that deploys to this app.')
param serviceName string = 'api'

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('Name of that identity: the PostgreSQL role it signs in to the warehouse as.')
param identityName string

@description('Name of the storage account (AzureWebJobsStorage and the deployment package).')
param storageAccountName string

@description('Host name of the PostgreSQL warehouse server (Transfers__Connections__warehouse__host).')
param warehouseHost string

@description('Database of the warehouse (Transfers__Connections__warehouse__database).')
param warehouseDatabase string

@description('Blob container of the deployment package.')
param deploymentContainerName string

@description('Connection string of Application Insights.')
param applicationInsightsConnectionString string

@description('Secret URI of the admin API key in Key Vault.')
param adminApiKeySecretUri string

@description('Durable Functions task hub name (TRANSFERS_TASKHUB, read by host.json).')
param taskHubName string

@description('Transfers__Shares__SyncInterval: how often a file share transfer re-syncs.')
param sharesSyncInterval string

@description('Transfers__Shares__AccessTtl: lifetime of a share destination SAS.')
param sharesAccessTtl string

@description('Transfers__Ownership__InviteTtl: how long an ownership invitation waits for an answer.')
param ownershipInviteTtl string

@description('Runtime version of the .NET isolated worker.')
@allowed([
  '8.0'
  '9.0'
  '10.0'
])
param runtimeVersion string = '10.0'

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Maximum number of instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    }
  }
}

// Flex Consumption sets the worker runtime and extension version from functionAppConfig: FUNCTIONS_WORKER_RUNTIME
// and FUNCTIONS_EXTENSION_VERSION must not be app settings there. No setting holds a key or a connection string.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // Durable Functions, the Functions host and Transfers.Core reach storage with the managed identity.
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // Telemetry is accepted only with an Entra ID token of the identity (local auth is off).
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    AZURE_CLIENT_ID: identityClientId
    TRANSFERS_TASKHUB: taskHubName
    // Resolved by the platform with keyVaultReferenceIdentity; the key itself is never an app setting.
    Transfers__AdminApiKey: '@Microsoft.KeyVault(SecretUri=${adminApiKeySecretUri})'
    // The admin key acts as tenant default, which may name the app's own account (its service tables and containers
    // stay refused); every other tenant reaches no storage until the admin grants it (/admin/tenants/{t}/connections).
    Transfers__Grants__default__default: '*'
    // The PostgreSQL warehouse: the app signs in as its identity with an Entra ID token, no password. The admin tenant
    // may name any schema on it (the service's own load state schema stays refused).
    Transfers__Connections__warehouse__host: warehouseHost
    Transfers__Connections__warehouse__database: warehouseDatabase
    Transfers__Connections__warehouse__username: identityName
    Transfers__Connections__warehouse__clientId: identityClientId
    Transfers__Grants__default__warehouse: '*'
    Transfers__Shares__SyncInterval: sharesSyncInterval
    Transfers__Shares__AccessTtl: sharesAccessTtl
    Transfers__Ownership__InviteTtl: ownershipInviteTtl
  }
}

resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Resource id of the function app.')
output id string = site.id

@description('Name of the function app.')
output name string = site.name

@description('Default host name of the function app.')
output defaultHostName string = site.properties.defaultHostName

@description('HTTPS base URL of the function app.')
output uri string = 'https://${site.properties.defaultHostName}'
