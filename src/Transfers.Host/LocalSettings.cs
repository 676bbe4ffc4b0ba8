using System.Text.Json;

namespace Transfers.Host;

/// <summary>
/// Reads the Functions-style <c>local.settings.json</c> (else <c>local.settings.sample.json</c>) so that the local host
/// and <c>func start</c> share one settings file. Keys use <c>__</c> as the section separator, as in Azure app settings.
/// Environment variables and the command line still win over the file.
/// </summary>
internal static class LocalSettings
{
    private static readonly string[] s_fileNames = ["local.settings.json", "local.settings.sample.json"];

    /// <summary>Adds the settings file's <c>Values</c> beneath environment variables and command-line arguments.</summary>
    /// <param name="builder">The application builder.</param>
    public static void AddLocalSettings(this WebApplicationBuilder builder)
    {
        var file = FindFile(builder.Environment.ContentRootPath) ?? FindFile(AppContext.BaseDirectory);
        if (file is null)
        {
            return;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(file));
        if (!document.RootElement.TryGetProperty("Values", out var values))
        {
            return;
        }

        var settings = values.EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name.Replace("__", ":", StringComparison.Ordinal), (string?)p.Value.ToString()));

        // Insert the file first so that every source configured by the framework (appsettings, environment,
        // command line) overrides it.
        var sources = builder.Configuration.Sources;
        sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = settings.ToList() });
    }

    private static string? FindFile(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            foreach (var name in s_fileNames)
            {
                var candidate = Path.Combine(dir.FullName, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
