using Drydock.Processes;

namespace Drydock.Sdk.Tests.Support;

/// <summary>What podman and Docker Engine hold under a repository name: to prove nothing but Drydock's image got there.</summary>
internal static class LocalImages
{
    /// <summary>The image ids (config digests without <c>sha256:</c>) podman has under <paramref name="repository"/>.</summary>
    public static string[] Podman(string repository) =>
        Lines(Oci.Podman("images", "--quiet", "--no-trunc", "--filter", $"reference={repository}").StandardOutput);

    /// <summary>The image ids Docker Engine has under <paramref name="repository"/>; empty when no engine answers.</summary>
    public static string[] Docker(string repository)
    {
        var result = ProcessRunner.Run("docker", ["images", "--quiet", "--no-trunc", repository], TimeSpan.FromMinutes(1), CancellationToken.None);
        return result.Succeeded ? Lines(result.StandardOutput) : [];
    }

    public static void RemoveEverywhere(string repository)
    {
        Oci.RemoveRepository(repository);
        foreach (var id in Docker(repository))
        {
            ProcessRunner.Run("docker", ["rmi", "--force", id], TimeSpan.FromMinutes(1), CancellationToken.None);
        }
    }

    private static string[] Lines(string output) => output
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(id => id.Replace("sha256:", "", StringComparison.Ordinal))
        .Distinct()
        .ToArray();
}
