metadata description = 'Transfers on Azure: a Flex Consumption function app with Durable Functions on Azure Storage, a user-assigned identity and no shared keys, a PostgreSQL warehouse with Entra ID sign-in only, Application Insights, and the admin key in Key Vault.'

targetScope = 'resourceGroup'

@description('Name of the azd environment (or any short name); it seeds resource names and tags.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region of every resource; the resource group\'s by default.')
param location string = resourceGroup().location

@description('The admin API key (Transfers__AdminApiKey). Stored only in Key Vault; the app reads it through a Key Vault reference.')
@secure()
@minLength(16)
param adminApiKey string

@description('Durable Functions task hub name (TRANSFERS_TASKHUB).')
param taskHubName string = 'TransfersHub'

@description('Runtime version of the .NET isolated worker.')
@allowed([
  '8.0'
  '9.0'
  '10.0'
])
param functionRuntimeVersion string = '10.0'

@description('Memory of each function app instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Maximum number of instances the function app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('How often a file share transfer re-syncs (Transfers__Shares__SyncInterval).')
param sharesSyncInterval string = '00:05:00'

@description('Lifetime of a share destination SAS (Transfers__Shares__AccessTtl).')
param sharesAccessTtl string = '7.00:00:00'

@description('How long an ownership invitation waits for an answer (Transfers__Ownership__InviteTtl).')
param ownershipInviteTtl string = '7.00:00:00'

@description('Major version of PostgreSQL of the warehouse server.')
@allowed([
  '16'
  '17'
])
param postgresVersion string = '17'

@description('Compute size of the warehouse server (Burstable tier).')
param postgresSkuName string = 'Standard_B1ms'

@description('Optional explicit name of the function app; derived from the environment when empty.')
param functionAppName string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'transfers'
}
var appName = empty(functionAppName) ? '${abbrs.webSitesFunctions}transfers-${resourceToken}' : functionAppName
var deploymentContainerName = 'app-package-${take(resourceToken, 7)}'
var adminApiKeySecretName = 'transfers-admin-api-key'
// Names are computed here, at compile time, and passed down: What-If can then predict every resource id.
var names = {
  identity: '${abbrs.managedIdentityUserAssignedIdentities}transfers-${resourceToken}'
  storage: '${abbrs.storageStorageAccounts}${take(resourceToken, 22)}'
  logAnalytics: '${abbrs.operationalInsightsWorkspaces}transfers-${resourceToken}'
  applicationInsights: '${abbrs.insightsComponents}transfers-${resourceToken}'
  keyVault: '${abbrs.keyVaultVaults}${take(resourceToken, 21)}'
  plan: '${abbrs.webServerFarms}transfers-${resourceToken}'
  postgres: '${abbrs.dBforPostgreSQLServers}transfers-${resourceToken}'
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    adminApiKeySecretName: adminApiKeySecretName
    adminApiKey: adminApiKey
  }
}

module postgres 'app/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: names.postgres
    location: location
    tags: tags
    version: postgresVersion
    skuName: postgresSkuName
    administratorName: identity.outputs.name
    // The server names its Entra administrator by object id, which exists only once the identity does; What-If shows
    // that one child resource imprecisely.
    #disable-next-line what-if-short-circuiting
    administratorPrincipalId: identity.outputs.principalId
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  params: {
    storageAccountName: names.storage
    applicationInsightsName: names.applicationInsights
    keyVaultName: names.keyVault
    identityName: names.identity
    principalId: identity.outputs.principalId
  }
  dependsOn: [
    storage
    monitoring
    keyVault
  ]
}

module function 'app/function.bicep' = {
  name: 'function'
  params: {
    planName: names.plan
    name: appName
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityName: identity.outputs.name
    storageAccountName: names.storage
    warehouseHost: postgres.outputs.host
    warehouseDatabase: postgres.outputs.databaseName
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    adminApiKeySecretUri: keyVault.outputs.adminApiKeySecretUri
    taskHubName: taskHubName
    runtimeVersion: functionRuntimeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    sharesSyncInterval: sharesSyncInterval
    sharesAccessTtl: sharesAccessTtl
    ownershipInviteTtl: ownershipInviteTtl
  }
  // The app starts as soon as it exists: give its identity the roles first.
  dependsOn: [
    storage
    rbac
  ]
}

@description('Region of the deployment.')
output AZURE_LOCATION string = location

@description('Tenant of the deployment.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Resource group that holds everything.')
output AZURE_RESOURCE_GROUP string = resourceGroup().name

@description('Name of the function app (func azure functionapp publish <name>).')
output AZURE_FUNCTION_APP_NAME string = function.outputs.name

@description('HTTPS base URL of the API.')
output SERVICE_API_URI string = function.outputs.uri

@description('Storage account of the task hub, the records and the files.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Host name of the PostgreSQL warehouse server.')
output AZURE_POSTGRES_HOST string = postgres.outputs.host

@description('Key Vault that holds the admin API key.')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name

@description('Key Vault URI.')
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri

@description('Name of the admin API key secret in Key Vault.')
output AZURE_KEY_VAULT_ADMIN_KEY_SECRET string = adminApiKeySecretName

@description('Client id of the app identity.')
output AZURE_CLIENT_ID string = identity.outputs.clientId

@description('Application Insights component.')
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
