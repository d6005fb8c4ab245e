using NuGet.Versioning;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// Tags that stand for a line of versions move only to its highest stable version: <c>latest</c> to the
/// highest of all, <c>1</c> to the highest <c>1.x.y</c>, <c>1.2</c> to the highest <c>1.2.z</c>. Publishing
/// 1.1.5 after 1.2.0 sets <c>1.1.5</c> and <c>1.1</c> and leaves <c>1</c> and <c>latest</c> on 1.2.0. The
/// versions already there are the repository's <c>major.minor.patch</c> tags (SemVer, NuGet.Versioning):
/// date tags, numeric branch names and the floating tags themselves do not count.
/// </summary>
public static class FloatingTags
{
    public const string Latest = "latest";

    /// <summary><c>latest</c>, a major (<c>1</c>) or a major.minor (<c>1.2</c>): a tag that stands for a line of versions.</summary>
    public static bool Floats(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var parts = tag.Split('.');
        return tag == Latest || (parts.Length <= 2 && parts.All(part => part.Length > 0 && part.All(char.IsAsciiDigit)));
    }

    /// <summary>
    /// Which of the <paramref name="planned"/> tags to push, with <c>latest</c> added when this version is
    /// the highest, and which were held back. A prerelease or no version moves nothing beyond what was
    /// planned; a <c>latest</c> the user listed is pushed as listed.
    /// </summary>
    public static (IReadOnlyList<string> Push, IReadOnlyList<string> HeldBack) Resolve(
        NuGetVersion? version, IReadOnlyList<string> planned, IEnumerable<string> existingTags)
    {
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(existingTags);
        if (version is null || version.IsPrerelease)
        {
            return (planned, []);
        }

        var released = existingTags
            .Select(tag => NuGetVersion.TryParseStrict(tag, out var other) && !other.IsPrerelease ? other : null)
            .OfType<NuGetVersion>()
            .ToList();
        bool HigherIn(Func<NuGetVersion, bool> line) =>
            released.Any(other => line(other) && VersionComparer.VersionRelease.Compare(other, version) > 0);

        var push = new List<string>();
        var heldBack = new List<string>();
        foreach (var tag in planned)
        {
            var higher = tag == $"{version.Major}" ? HigherIn(other => other.Major == version.Major)
                : tag == $"{version.Major}.{version.Minor}" && HigherIn(other => other.Major == version.Major && other.Minor == version.Minor);
            (higher ? heldBack : push).Add(tag);
        }

        if (!planned.Contains(Latest))
        {
            (HigherIn(_ => true) ? heldBack : push).Add(Latest);
        }

        return (push, heldBack);
    }
}
