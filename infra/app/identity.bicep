metadata description = 'The user-assigned managed identity the function app runs as: storage, monitoring and Key Vault trust it, never a key.'

@description('Name of the identity.')
param name string

@description('Azure region.')
param location string

@description('Tags applied to the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Client (application) id of the identity, used by AzureWebJobsStorage__clientId and Application Insights.')
output clientId string = identity.properties.clientId

@description('Object (principal) id of the identity, used by the role assignments.')
output principalId string = identity.properties.principalId
