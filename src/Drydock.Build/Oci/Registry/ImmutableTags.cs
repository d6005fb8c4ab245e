using System.Text.RegularExpressions;
using NuGet.Versioning;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// Tags that name exactly one build and so never move once pushed: a commit's <c>sha-&lt;hex&gt;</c> and an exact
/// SemVer 2.0 version (<c>1.2.3</c>, <c>1.3.0-rc.1</c>). Floating tags (<c>latest</c>, <c>1</c>, <c>1.2</c>), branch,
/// pull request and dirty tags (<c>sha-&lt;hex&gt;-dirty</c>) move by design.
/// </summary>
public static partial class ImmutableTags
{
    public static bool Names(string tag) =>
        CommitTag().IsMatch(tag) || SemanticVersion.TryParse(tag, out _);

    [GeneratedRegex("^sha-[0-9a-f]{7,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitTag();
}
