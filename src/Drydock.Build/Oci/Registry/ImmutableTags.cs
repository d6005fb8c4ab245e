using System.Text.RegularExpressions;
using NuGet.Versioning;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// Tags that name exactly one build. An exact SemVer 2.0 version (<c>1.2.3</c>, <c>1.3.0-rc.1</c>) never moves once
/// pushed (DRY6012, unless <c>DrydockMoveImmutableTags</c>). A commit's <c>sha-&lt;hex&gt;</c> names one commit, which
/// may build to other bytes when its base image or SDK moved: it moves, with a warning saying why (DRY6014).
/// Floating tags (<c>latest</c>, <c>1</c>, <c>1.2</c>), branch, pull request and dirty tags (<c>sha-&lt;hex&gt;-dirty</c>) move by design.
/// </summary>
public static partial class ImmutableTags
{
    /// <summary>An exact version: never moves silently.</summary>
    public static bool Names(string tag) => SemanticVersion.TryParse(tag, out _);

    /// <summary>A commit's tag, <c>sha-&lt;7 to 64 hex&gt;</c>.</summary>
    public static bool NamesCommit(string tag) => CommitTag().IsMatch(tag);

    [GeneratedRegex("^sha-[0-9a-f]{7,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitTag();
}
