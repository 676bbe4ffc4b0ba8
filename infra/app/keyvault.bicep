metadata description = 'Key Vault (RBAC authorization) holding the Transfers admin API key that the function app reads through a Key Vault reference.'

@description('Name of the vault (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the vault.')
param tags object = {}

@description('Name of the secret that holds the admin API key.')
param adminApiKeySecretName string

@description('The admin API key (Transfers__AdminApiKey).')
@secure()
param adminApiKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource adminApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: adminApiKeySecretName
  properties: {
    value: adminApiKey
    contentType: 'text/plain'
  }
}

@description('Resource id of the vault.')
output id string = vault.id

@description('Name of the vault.')
output name string = vault.name

@description('URI of the vault.')
output uri string = vault.properties.vaultUri

@description('URI of the admin key secret without a version, so that the app always reads the latest version.')
output adminApiKeySecretUri string = adminApiKeySecret.properties.secretUri
