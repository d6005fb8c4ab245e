using Drydock.Build.Diagnostics;

namespace Drydock.Build.Tagging;

/// <summary>
/// Which tags an image gets, in docker/metadata-action's default semantics, fixed:
/// for a stable release <c>1.2.3</c>, <c>1.2</c>, <c>1</c>; for a prerelease only its full version;
/// then <c>sha-&lt;7&gt;</c>, <c>pr-&lt;n&gt;</c> and the sanitized branch. <c>latest</c> is not planned
/// here: the push stage compares with the registry's tags. The first tag is the primary one.
/// </summary>
public static class TagPlanner
{
    public const int ShortShaLength = 7;

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

    /// <summary>The computed tags; empty when there is nothing to tag by (no revision, no version).</summary>
    public static IReadOnlyList<string> Compute(ResolvedVersion? version, string? revision, string? branch, string? pullRequest, IBuildLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var tags = new List<string>();
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
            tags.Add(TagName.Sanitize($"sha-{revision[..Math.Min(ShortShaLength, revision.Length)]}"));
        }

        if (!string.IsNullOrEmpty(pullRequest))
        {
            tags.Add(TagName.Sanitize($"pr-{pullRequest}"));
        }

        if (!string.IsNullOrEmpty(branch))
        {
            var tag = TagName.Sanitize(branch);
            if (tag != branch)
            {
                // Expected for names like feature/x: a detail, not a warning.
                log.Detail($"Drydock: branch '{branch}' is tagged as '{tag}' (OCI tags allow only A-Z a-z 0-9 _ . -, at most 128)");
            }

            tags.Add(tag);
        }

        if (tags.Count == 0 && version is not null)
        {
            // No commit to tag by (no repository, no CI): the version is the only name left.
            tags.Add(VersionTag(version));
        }

        return tags.Distinct(StringComparer.Ordinal).ToList();
    }

    // SemVer build metadata ("+build.5") is not allowed in a tag. '+' becomes '_', as Helm does for
    // OCI chart tags: '-' would turn 1.2.3+build.5 into what reads as the prerelease 1.2.3-build.5.
    private static string VersionTag(ResolvedVersion version) => TagName.Sanitize(version.Text.Replace('+', '_'));
}
