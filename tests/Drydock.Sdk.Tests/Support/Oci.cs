using System.Text.Json.Nodes;
using Drydock.Processes;

namespace Drydock.Sdk.Tests.Support;

/// <summary>Looks at images with the tools users have: skopeo for archives, docker and podman for loaded images.</summary>
internal static class Oci
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The manifest digest of an OCI archive, as skopeo computes it from the raw manifest.</summary>
    public static string ManifestDigest(string archive)
    {
        var raw = Checked("skopeo", ["inspect", "--raw", $"oci-archive:{archive}"]).StandardOutput;
        return "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw)));
    }

    /// <summary>The digest a registry's tag names (<c>host/repository:tag</c>, plain HTTP), as skopeo reads it.</summary>
    public static string DigestOf(string reference) =>
        Checked("skopeo", ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", $"docker://{reference}"]).StandardOutput.Trim();

    public static JsonNode Manifest(string archive) =>
        JsonNode.Parse(Checked("skopeo", ["inspect", "--raw", $"oci-archive:{archive}"]).StandardOutput)!;

    public static JsonNode Config(string archive) =>
        JsonNode.Parse(Checked("skopeo", ["inspect", "--config", "--raw", $"oci-archive:{archive}"]).StandardOutput)!;

    /// <summary>The config of one platform's image (<c>linux/arm64</c>) of an archive holding an image index, as skopeo picks it.</summary>
    public static JsonNode Config(string archive, string platform) =>
        JsonNode.Parse(Checked("skopeo", ["--override-os", platform.Split('/')[0], "--override-arch", platform.Split('/')[1], "inspect", "--config", "--raw", $"oci-archive:{archive}"]).StandardOutput)!;

    /// <summary>The engines eng/setup.sh provides, by their CLI names; tests that load or run images run on each.</summary>
    public static readonly string[] Engines = ["docker", "podman"];

    public static TheoryData<string> BothEngines => [.. Engines];

    public static ProcessResult Podman(params string[] arguments) => Run("podman", arguments);

    /// <summary>The engine's own CLI (<c>docker</c> or <c>podman</c>).</summary>
    public static ProcessResult Engine(string engine, params string[] arguments) => Run(engine, arguments);

    /// <summary>Removes every image either engine has under <paramref name="repository"/>, whatever its tags.</summary>
    public static void RemoveRepository(string repository)
    {
        foreach (var engine in Engines)
        {
            var ids = Engine(engine, "images", "--quiet", "--filter", $"reference={repository}").StandardOutput
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Distinct();
            foreach (var id in ids)
            {
                Engine(engine, "rmi", "--force", id);
            }
        }
    }

    /// <summary>
    /// Containers, running or not, on either engine, that a publish's image tests started (label
    /// <c>io.drydock.run</c>) from <paramref name="project"/>'s image: the one its report names by config digest
    /// (a publish loads its image by id and names it only once its tests pass; the report is written before they
    /// start), or any image named <paramref name="repository"/> (default: the project's name). Other test projects
    /// may run their own meanwhile.
    /// </summary>
    public static string[] TestContainersOf(TestProject project, string? repository = null)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists(project.ReportPath))
        {
            try
            {
                var image = project.Report()["image"]!;
                ids.UnionWith(new[] { image["configDigest"] }.Concat(image["platforms"]?.AsArray().Select(platform => platform!["configDigest"]) ?? [])
                    .Select(digest => ((string?)digest ?? "").Replace("sha256:", "", StringComparison.Ordinal)));
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
            {
                // Being replaced right now: the names still find what they name.
            }
        }

        return [.. Engines.SelectMany(engine => TestContainersOf(engine, repository ?? project.Name, ids))];
    }

    private static string[] TestContainersOf(string engine, string repository, HashSet<string> ids)
    {
        var images = Engine(engine, "images", "--quiet", "--no-trunc", "--filter", $"reference={repository}").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(id => id.Replace("sha256:", "", StringComparison.Ordinal))
            .Concat(ids)
            .ToHashSet();
        var labelled = Engine(engine, "ps", "--all", "--quiet", "--no-trunc", "--filter", "label=io.drydock.run").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (labelled.Length == 0)
        {
            return [];
        }

        // A container's .Image is its image id on both engines (docker with the sha256: prefix).
        return Engine(engine, ["inspect", "--type", "container", "--format", "{{.Id}} {{.Image}}", .. labelled]).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 2 && images.Contains(parts[1].Replace("sha256:", "", StringComparison.Ordinal)))
            .Select(parts => parts[0])
            .ToArray();
    }

    public static ProcessResult Checked(string program, string[] arguments)
    {
        var result = Run(program, arguments);
        return result.Succeeded
            ? result
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError}");
    }

    private static ProcessResult Run(string program, string[] arguments) =>
        ProcessRunner.Run(program, arguments, Timeout, CancellationToken.None, environment: new Dictionary<string, string?> { ["CONTAINERS_CONF"] = Paths.ContainersConf });
}
