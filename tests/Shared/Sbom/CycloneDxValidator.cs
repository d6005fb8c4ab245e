using System.Diagnostics;

namespace Drydock.Tests.Sbom;

/// <summary>
/// Runs the CycloneDX project's own validator (<c>@cyclonedx/cyclonedx-library</c>'s <c>JsonStrictValidator</c>,
/// installed by eng/setup.sh into <c>$DRYDOCK_VERIFIERS</c>) over SBOM files: a third party judges them.
/// </summary>
internal static class CycloneDxValidator
{
    /// <summary>Exit code 0 and "valid …" per file, or the validator's errors.</summary>
    public static (int ExitCode, string Output) Validate(string specVersion, params string[] files)
    {
        var verifiers = Environment.GetEnvironmentVariable("DRYDOCK_VERIFIERS") is { Length: > 0 } v
            ? v
            : Path.Combine(RepositoryRoot(), "artifacts", "verifiers");
        var script = Path.Combine(RepositoryRoot(), "tests", "Shared", "Sbom", "validate-cyclonedx.js");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(specVersion);
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        start.Environment["NODE_PATH"] = Path.Combine(verifiers, "node_modules");
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        if (!node.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException("the CycloneDX validator did not finish within 2 minutes");
        }

        return (node.ExitCode, output.Result + error.Result);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Sdk.sln) is not above " + AppContext.BaseDirectory);
    }
}
