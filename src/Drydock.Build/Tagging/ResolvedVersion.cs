using NuGet.Versioning;

namespace Drydock.Build.Tagging;

/// <summary>The image version and where it came from.</summary>
/// <param name="Version">The parsed version.</param>
/// <param name="Source">What set it, for the log: a property name or the tag.</param>
/// <param name="IsRelease">
/// Whether the version marks a release: it came from a tag on HEAD or from <c>ContainerVersion</c>.
/// <c>$(Version)</c> is the project's default on every commit, so it never does.
/// </param>
public sealed record ResolvedVersion(NuGetVersion Version, string Source, bool IsRelease)
{
    /// <summary>The normalized version with any build metadata: <c>1.2.0</c> for <c>1.2</c>, <c>1.2.3+abc</c> kept.</summary>
    public string Text => Version.ToFullString();

    /// <summary>A release without a prerelease part: a candidate for <c>latest</c>, which the push stage decides.</summary>
    public bool IsStableRelease => IsRelease && !Version.IsPrerelease;
}
