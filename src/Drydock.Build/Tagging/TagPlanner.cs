using System.Text.RegularExpressions;
using Drydock.Build.Diagnostics;
using NuGet.Versioning;

namespace Drydock.Build.Tagging;

/// <summary>
/// Which tags an image gets, in docker/metadata-action's default semantics, fixed:
/// for a stable release <c>1.2.3</c>, <c>1.2</c>, <c>1</c>; for a prerelease only its full version;
/// then <c>sha-&lt;7&gt;</c>, <c>pr-&lt;n&gt;</c> and, for branch builds only, the sanitized branch. <c>latest</c> is not planned
/// here: the push stage compares with the registry's tags. The first tag is the primary one.
/// </summary>
public static partial class TagPlanner
{
    public const int ShortShaLength = 7;

    /// <summary>What a dirty build's commit tag ends with: <c>sha-5b543a9-dirty</c>.</summary>
    public const string DirtySuffix = "-dirty";

    /// <summary>What a branch tag starts with when the branch's own name is reserved: <c>branch-latest</c>.</summary>
    public const string BranchPrefix = "branch-";

    /// <summary>
    /// The tags the user listed, in their order without repeats: <c>ContainerImageTags</c>
    /// (semicolon-separated) wins over <c>ContainerImageTag</c>, as in the .NET SDK. Empty when neither is set.
    /// </summary>
    public static IReadOnlyList<string> Explicit(string? imageTags, string? imageTag)
    {
        var (property, list) = !string.IsNullOrWhiteSpace(imageTags) ? ("ContainerImageTags", imageTags)
            : !string.IsNullOrWhiteSpace(imageTag) ? ("ContainerImageTag", imageTag)
            : ("", "");
        var tags = list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        foreach (var tag in tags.Where(tag => !TagName.IsValid(tag)))
        {
            throw new DrydockException(
                KnownCodes.InvalidTag,
                $"{property} contains {MessageText.Quote(tag)}, which is not a valid tag: it must be 1 to 128 of A-Z a-z 0-9 _ . - and must not start with '.' or '-'. Use '{TagName.Sanitize(tag)}'.");
        }

        return tags;
    }

    /// <summary>
    /// The computed tags; empty when there is nothing to tag by (no revision, no version).
    /// <paramref name="branch"/> is given only for a branch build: the caller leaves it out for pull/merge
    /// requests and tag builds. A <paramref name="dirty"/> build gets <c>sha-&lt;7&gt;-dirty</c> alone, so that
    /// no tag names a commit, a release or a branch for bytes that are not theirs.
    /// </summary>
    public static IReadOnlyList<string> Compute(ResolvedVersion? version, string? revision, string? branch, string? pullRequest, bool dirty, IBuildLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var tags = new List<string>();
        if (dirty && !string.IsNullOrEmpty(revision))
        {
            var tag = ShaTag(revision) + DirtySuffix;
            log.Detail($"Drydock: the working tree has uncommitted changes: tagged {tag} only (no version, pull request or branch tag)");
            return [tag];
        }

        if (version is { IsRelease: true })
        {
            tags.Add(VersionTag(version));
            if (!version.Version.IsPrerelease)
            {
                tags.Add($"{version.Version.Major}.{version.Version.Minor}");
                tags.Add($"{version.Version.Major}");
            }
        }

        if (!string.IsNullOrEmpty(revision))
        {
            tags.Add(ShaTag(revision));
        }

        if (!string.IsNullOrEmpty(pullRequest))
        {
            tags.Add(TagName.Sanitize($"pr-{pullRequest}"));
        }

        if (!string.IsNullOrEmpty(branch))
        {
            tags.Add(BranchTag(branch, log));
        }

        if (tags.Count == 0 && version is not null)
        {
            // No commit to tag by (no repository, no CI): the version is the only name left.
            tags.Add(VersionTag(version));
        }

        return tags.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The branch's tag: its name sanitized to the tag grammar, or <c>branch-&lt;name&gt;</c> when that would
    /// read as a tag Drydock gives for another reason (see <see cref="IsReserved"/>), with a DRY1052 warning.
    /// </summary>
    public static string BranchTag(string branch, IBuildLog log)
    {
        ArgumentNullException.ThrowIfNull(branch);
        ArgumentNullException.ThrowIfNull(log);
        var tag = TagName.Sanitize(branch);
        if (tag != branch)
        {
            // Expected for names like feature/x: a detail, not a warning.
            log.Detail($"Drydock: branch '{branch}' is tagged as '{tag}' (OCI tags allow only A-Z a-z 0-9 _ . -, at most 128)");
        }

        if (!IsReserved(tag))
        {
            return tag;
        }

        var safe = TagName.Sanitize(BranchPrefix + tag);
        log.Warning(
            KnownCodes.BranchTagReserved,
            $"branch {MessageText.Quote(branch)} would be tagged '{tag}', which reads as a floating, version, commit or pull request tag; it is tagged '{safe}' instead. Rename the branch, or set ContainerImageTags to choose the tags yourself.");
        return safe;
    }

    /// <summary>
    /// A tag that must never come from a branch name: <c>latest</c>, a version or its floating form (<c>1</c>,
    /// <c>1.2</c>, <c>v1.2.3</c>, any SemVer 2.0 version), a commit tag (<c>sha-…</c>), a pull request tag
    /// (<c>pr-7</c>), or a dirty build's tag. Case-insensitive: registries and readers treat <c>Latest</c> alike.
    /// </summary>
    public static bool IsReserved(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var text = tag.StartsWith('v') || tag.StartsWith('V') ? tag[1..] : tag;
        return tag.Equals("latest", StringComparison.OrdinalIgnoreCase)
            || NumericVersion().IsMatch(text)
            || NuGetVersion.TryParseStrict(text, out _)
            || tag.StartsWith("sha-", StringComparison.OrdinalIgnoreCase)
            || PullRequestTag().IsMatch(tag)
            || tag.EndsWith(DirtySuffix, StringComparison.OrdinalIgnoreCase);
    }

    private static string ShaTag(string revision) => TagName.Sanitize($"sha-{revision[..Math.Min(ShortShaLength, revision.Length)]}");

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+){0,3}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NumericVersion();

    [GeneratedRegex(@"^pr-[0-9]+\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PullRequestTag();

    // SemVer build metadata ("+build.5") is not allowed in a tag. '+' becomes '_', as Helm does for
    // OCI chart tags: '-' would turn 1.2.3+build.5 into what reads as the prerelease 1.2.3-build.5.
    private static string VersionTag(ResolvedVersion version) => TagName.Sanitize(version.Text.Replace('+', '_'));
}
