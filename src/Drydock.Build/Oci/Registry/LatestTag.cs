using NuGet.Versioning;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// When <c>latest</c> moves: only for a stable version that no stable version tag already in the
/// repository exceeds. Only full <c>major.minor.patch</c> tags count as versions, so date tags,
/// numeric branch names and the floating <c>1.2</c>/<c>1</c> tags cannot hold <c>latest</c> back.
/// </summary>
public static class LatestTag
{
    public const string Name = "latest";

    public static bool ShouldMove(NuGetVersion? version, IEnumerable<string> existingTags)
    {
        ArgumentNullException.ThrowIfNull(existingTags);
        if (version is null || version.IsPrerelease)
        {
            return false;
        }

        return !existingTags
            .Select(tag => NuGetVersion.TryParseStrict(tag, out var other) ? other : null)
            .Any(other => other is { IsPrerelease: false } && VersionComparer.VersionRelease.Compare(other, version) > 0);
    }
}
