using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Transfers.Infra.Tests;

/// <summary>Runs the Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package that the test project restores.</summary>
internal static class BicepCli
{
    private static readonly Lazy<BicepResult> MainBuild = new(() => Run("build", Repository.PathOf("infra", "main.bicep"), "--stdout"));
    private static readonly Lazy<BicepResult> MainLint = new(() => Run("lint", Repository.PathOf("infra", "main.bicep")));

    /// <summary>Gets the result of <c>bicep build infra/main.bicep --stdout</c>, run once per test run.</summary>
    public static BicepResult BuildMain => MainBuild.Value;

    /// <summary>Gets the result of <c>bicep lint infra/main.bicep</c>, run once per test run.</summary>
    public static BicepResult LintMain => MainLint.Value;

    /// <summary>Gets the ARM template compiled from infra/main.bicep.</summary>
    public static ArmTemplate MainTemplate => new(JsonNode.Parse(BuildMain.StandardOutput)!.AsObject());

    private static BicepResult Run(params string[] arguments)
    {
        var bicep = Repository.BicepPath;
        if (!File.Exists(bicep))
        {
            throw new FileNotFoundException("The Bicep CLI is missing: restore tests/Transfers.Infra.Tests (PackageDownload of Azure.Bicep.CommandLine.linux-x64).", bicep);
        }

        // NuGet does not keep the executable bit of package files (the package is for Linux only).
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Bicep CLI package restored here (linux-x64) runs on Linux only.");
        }

        var mode = File.GetUnixFileMode(bicep);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(bicep, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        var start = new ProcessStartInfo(bicep)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The Bicep CLI did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }

        return new BicepResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}

/// <summary>What one Bicep CLI run printed.</summary>
internal sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Gets the diagnostics (warnings, errors, infos) the CLI printed.</summary>
    public IReadOnlyList<string> Diagnostics =>
        (StandardError + "\n" + (StandardOutput.TrimStart().StartsWith('{') ? string.Empty : StandardOutput))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
