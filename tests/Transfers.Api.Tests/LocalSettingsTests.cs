using Microsoft.AspNetCore.Builder;
using Transfers.Host;

namespace Transfers.Api.Tests;

public sealed class LocalSettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("transfers-settings").FullName;

    [Fact]
    public void AddLocalSettings_FileAndOverrides_LaterSourcesWinAndSectionsSplitOnDoubleUnderscore()
    {
        File.WriteAllText(
            Path.Combine(_folder, "local.settings.json"),
            """{ "IsEncrypted": false, "Values": { "Transfers__AdminApiKey": "from-file", "Transfers__Shares__SyncInterval": "00:05:00" } }""");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = _folder,
            Args = ["--Transfers:Shares:SyncInterval=00:00:05"],
        });

        builder.AddLocalSettings();

        Assert.Equal("from-file", builder.Configuration["Transfers:AdminApiKey"]);
        Assert.Equal("00:00:05", builder.Configuration["Transfers:Shares:SyncInterval"]);
    }

    [Fact]
    public void AddLocalSettings_EnvironmentVariable_OverridesTheFile()
    {
        // Arrange: names of this test only, as the environment is the whole process's.
        var overridden = $"Transfers__Probe{Guid.NewGuid():N}";
        var kept = $"Transfers__Probe{Guid.NewGuid():N}";
        File.WriteAllText(
            Path.Combine(_folder, "local.settings.json"),
            $$"""{ "Values": { "{{overridden}}": "from-file", "{{kept}}": "from-file" } }""");
        Environment.SetEnvironmentVariable(overridden, "from-environment");
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _folder });

            // Act
            builder.AddLocalSettings();

            // Assert
            Assert.Equal("from-environment", builder.Configuration[overridden.Replace("__", ":", StringComparison.Ordinal)]);
            Assert.Equal("from-file", builder.Configuration[kept.Replace("__", ":", StringComparison.Ordinal)]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(overridden, null);
        }
    }

    [Fact]
    public void AddLocalSettings_OnlySample_ReadsTheSample()
    {
        File.WriteAllText(Path.Combine(_folder, "local.settings.sample.json"), """{ "Values": { "Transfers__AdminApiKey": "from-sample" } }""");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _folder });

        builder.AddLocalSettings();

        Assert.Equal("from-sample", builder.Configuration["Transfers:AdminApiKey"]);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
