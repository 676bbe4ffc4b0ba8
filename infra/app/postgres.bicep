metadata description = 'The PostgreSQL warehouse: an Azure Database for PostgreSQL flexible server that accepts only Microsoft Entra ID sign-ins, with the app identity as its administrator, and the warehouse database.'

@description('Name of the server (3-63 lower-case letters, digits and hyphens).')
@minLength(3)
@maxLength(63)
param name string

@description('Azure region.')
param location string

@description('Tags applied to the server.')
param tags object = {}

@description('Major version of PostgreSQL.')
@allowed([
  '16'
  '17'
])
param version string = '17'

@description('Compute size of the server (Burstable tier).')
param skuName string = 'Standard_B1ms'

@description('Storage of the server, in GB.')
param storageSizeGB int = 32

@description('Name of the database the app loads tables into.')
param databaseName string = 'warehouse'

@description('Name of the app identity: its PostgreSQL role name, as which the app signs in.')
param administratorName string

@description('Object (principal) id of the app identity, the server\'s Microsoft Entra administrator.')
param administratorPrincipalId string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: 'Burstable'
  }
  properties: {
    version: version
    // No password login exists: the app signs in with Entra ID access tokens of its managed identity.
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource administrator 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2025-08-01' = {
  parent: server
  name: administratorPrincipalId
  properties: {
    principalName: administratorName
    principalType: 'ServicePrincipal'
    tenantId: tenant().tenantId
  }
}

// 0.0.0.0 to 0.0.0.0 is the service's rule for "allow Azure services": the Flex Consumption app has no fixed outbound
// address to list.
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2025-08-01' = {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  // The server takes one change at a time.
  dependsOn: [
    administrator
  ]
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    allowAzureServices
  ]
}

@description('Resource id of the server.')
output id string = server.id

@description('Name of the server.')
output name string = server.name

@description('Host name clients connect to.')
output host string = server.properties.fullyQualifiedDomainName

@description('Name of the warehouse database.')
output databaseName string = database.name
