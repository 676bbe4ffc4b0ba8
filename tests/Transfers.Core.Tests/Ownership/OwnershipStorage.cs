using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Transfers.Core.Ownership;
using Transfers.Testing;

namespace Transfers.Core.Tests.Ownership;

/// <summary>The family's services on the test Azurite.</summary>
internal static class OwnershipStorage
{
    public static ServiceProvider Create(IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Azurite.ConnectionString };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddTransfersCore()
            .BuildServiceProvider();
    }

    public static OwnedResource Resource(string collection, string ownerId, string? json = null)
    {
        var id = ObjectIds.NewId();
        var body = json is null ? string.Empty : "," + json;
        return new OwnedResource(collection, id, ownerId, $"{collection} {id}", $"{{\"_id\":\"{id}\",\"name\":\"{collection} {id}\"{body}}}");
    }
}
