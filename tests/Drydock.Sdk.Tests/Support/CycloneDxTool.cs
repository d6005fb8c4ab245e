using System.Text.Json.Nodes;

namespace Drydock.Sdk.Tests.Support;

/// <summary>
/// The CycloneDX project's dotnet tool (<c>CycloneDX</c> 6.3.1, served as a dotnet tool), a third party's view
/// of a project's NuGet packages. eng/setup.sh installs it under artifacts/tools/cyclonedx; installed here too when missing.
/// </summary>
internal static class CycloneDxTool
{
    private const string Version = "6.3.1";

    private static readonly object InstallLock = new();

    private static string ToolPath => Path.Combine(Paths.RepositoryRoot, "artifacts", "tools", "cyclonedx");

    /// <summary>The tool's NuGet components for <paramref name="project"/> (restored already): purl and scope (<c>excluded</c> for development-only packages).</summary>
    public static IReadOnlyList<(string Purl, string? Scope)> Run(TestProject project)
    {
        var executable = Install(project);
        var output = Path.Combine(project.Root, "cyclonedx-tool");
        var result = project.Run(executable, [Path.Combine(project.ProjectDirectory, project.Name + ".csproj"), "-F", "Json", "-spv", "1.6", "-o", output]);
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        var bom = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "bom.json")))!;
        return (bom["components"]?.AsArray() ?? [])
            .Select(c => ((string?)c!["purl"], (string?)c["scope"]))
            .Where(c => c.Item1 is not null)
            .Select(c => (c.Item1!, c.Item2))
            .ToList();
    }

    private static string Install(TestProject project)
    {
        var executable = Path.Combine(ToolPath, "dotnet-CycloneDX");
        lock (InstallLock)
        {
            if (!File.Exists(executable))
            {
                var install = project.Run("dotnet", ["tool", "install", "CycloneDX", "--version", Version, "--tool-path", ToolPath]);
                Assert.True(install.ExitCode == 0, install.StandardOutput + install.StandardError);
            }
        }

        return executable;
    }
}
