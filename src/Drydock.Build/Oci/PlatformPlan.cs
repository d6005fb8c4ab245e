using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci;

/// <summary>
/// Which platforms the SDK builds, decided the way its <c>_ContainerEstablishRIDNess</c> decides it once
/// <c>ComputeContainerBaseImage</c> has run: a <c>ContainerRuntimeIdentifier</c> means one image; else
/// <c>ContainerRuntimeIdentifiers</c> (which the SDK fills from <c>RuntimeIdentifiers</c>) means one
/// image per RID, assembled into an OCI image index.
/// </summary>
public static class PlatformPlan
{
    /// <summary>The RIDs of a multi-platform build, in the order given; empty for a single-platform build.</summary>
    public static IReadOnlyList<string> MultiPlatformRids(string? containerRuntimeIdentifier, string? containerRuntimeIdentifiers) =>
        string.IsNullOrWhiteSpace(containerRuntimeIdentifier)
            ? (containerRuntimeIdentifiers ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>
    /// The SDK publishes each RID of a multi-platform build in its own inner build, which needs the RID in
    /// the restore (<paramref name="assetsFile"/>'s <c>targets</c> has <c>{tfm}/{rid}</c>). Throws DRY2021
    /// naming the missing RIDs and what to add, instead of one NETSDK1047 per RID.
    /// </summary>
    public static void CheckRestored(IReadOnlyList<string> rids, string assetsFile, string targetFramework)
    {
        if (rids.Count == 0 || !File.Exists(assetsFile))
        {
            return;
        }

        var targets = (OciJson.TryParseObject(File.ReadAllBytes(assetsFile))?["targets"] as JsonObject)?.Select(t => t.Key).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        var missing = rids.Where(rid => !targets.Contains($"{targetFramework}/{rid}")).ToArray();
        if (missing.Length > 0)
        {
            throw new DrydockException(
                KnownCodes.PlatformNotRestored,
                $"ContainerRuntimeIdentifiers asks for {MessageText.Escape(string.Join(", ", rids))}, but the restore did not include {MessageText.Escape(string.Join(", ", missing))} ({MessageText.Quote(assetsFile)} has no {MessageText.Quote($"{targetFramework}/{missing[0]}")} target), so the SDK cannot publish for it. "
                + $"Add <RuntimeIdentifiers>{MessageText.Escape(string.Join(';', rids))}</RuntimeIdentifiers> beside ContainerRuntimeIdentifiers (restore reads RuntimeIdentifiers, and a package's targets take no part in restore), or reference Drydock as <Sdk Name=\"Drydock.Sdk\" />, which sets it; then publish again.");
        }
    }

    /// <summary>
    /// The SDK's per-platform inner builds receive <c>LocalRegistry</c> as given on the command line and
    /// accept only <c>Docker</c> and <c>Podman</c>, spelled so (CONTAINER2002 per RID otherwise), though
    /// Drydock's own load accepts any case. Throws DRY3004 naming the spelling to use, before any RID is built.
    /// </summary>
    public static void CheckLocalRegistry(IReadOnlyList<string> rids, string? localRegistry)
    {
        if (rids.Count == 0 || string.IsNullOrEmpty(localRegistry) || localRegistry is "Docker" or "Podman")
        {
            return;
        }

        var suggestion = localRegistry.Equals("docker", StringComparison.OrdinalIgnoreCase) ? "Docker" : "Podman";
        throw new DrydockException(
            KnownCodes.NoRuntime,
            $"LocalRegistry is {MessageText.Quote(localRegistry)}, but the SDK's per-platform builds of ContainerRuntimeIdentifiers accept only 'Docker' or 'Podman', spelled so; set LocalRegistry={suggestion}, or leave it empty to detect one.");
    }
}
