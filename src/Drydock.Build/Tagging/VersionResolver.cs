using Drydock.Build.Diagnostics;
using NuGet.Versioning;

namespace Drydock.Build.Tagging;

/// <summary>
/// The image version: <c>ContainerVersion</c> &gt; the highest SemVer tag on HEAD (<c>v1.2.3</c> or
/// <c>1.2.3</c>, from git or the CI) &gt; <c>$(Version)</c>.
/// </summary>
public static class VersionResolver
{
    public static ResolvedVersion? Resolve(string? explicitVersion, IEnumerable<string> tagsAtHead, string? defaultVersion, IBuildLog log)
    {
        ArgumentNullException.ThrowIfNull(tagsAtHead);
        ArgumentNullException.ThrowIfNull(log);

        if (!string.IsNullOrWhiteSpace(explicitVersion))
        {
            return new ResolvedVersion(Parse(explicitVersion.Trim(), "ContainerVersion"), "ContainerVersion", IsRelease: true);
        }

        var fromTag = tagsAtHead
            .Select(tag => (Tag: tag, Version: ParseTag(tag)))
            .Where(candidate => candidate.Version is not null)
            .OrderByDescending(candidate => candidate.Version!, VersionComparer.VersionReleaseMetadata)
            .ThenBy(candidate => candidate.Tag, StringComparer.Ordinal)
            .FirstOrDefault();
        if (fromTag.Version is not null)
        {
            return new ResolvedVersion(fromTag.Version, $"tag {fromTag.Tag}", IsRelease: true);
        }

        if (!string.IsNullOrWhiteSpace(defaultVersion))
        {
            return new ResolvedVersion(Parse(defaultVersion.Trim(), "Version"), "Version", IsRelease: false);
        }

        log.Detail("Drydock: version=none (no ContainerVersion, no version tag on HEAD, no Version)");
        return null;
    }

    /// <summary>A tag names a version when it is strict SemVer 2.0, optionally after a <c>v</c>; other tags are ignored.</summary>
    public static NuGetVersion? ParseTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var text = tag.StartsWith('v') ? tag[1..] : tag;
        return NuGetVersion.TryParseStrict(text, out var version) ? version : null;
    }

    private static NuGetVersion Parse(string value, string property) =>
        NuGetVersion.TryParse(value, out var version)
            ? version
            : throw new DrydockException(
                KnownCodes.InvalidVersion,
                $"{property} {MessageText.Quote(value)} is not a version. Set {property} to a SemVer 2.0 version such as 1.2.3 or 1.3.0-rc.1.");
}
