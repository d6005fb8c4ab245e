namespace Drydock.Build.Metadata;

/// <summary>Everything the image is stamped with. Unknown values are <see langword="null"/> and have no label.</summary>
/// <param name="Revision">The full commit id.</param>
/// <param name="ShortRevision">Its first 7 characters.</param>
/// <param name="Branch">The branch name, unsanitized.</param>
/// <param name="Dirty">Whether the working tree had changes; unknown without a repository.</param>
/// <param name="Created">The reproducible creation time: <c>SOURCE_DATE_EPOCH</c> or the commit time, in whole seconds, UTC.</param>
/// <param name="Version">The normalized version.</param>
/// <param name="IsStableRelease">A release without prerelease part: a candidate for <c>latest</c> at push.</param>
/// <param name="Tags">The tags, primary first; never empty.</param>
/// <param name="Labels">The config labels, in a fixed order.</param>
/// <param name="Annotations">The manifest annotations: the labels plus <c>org.opencontainers.image.ref.name</c>.</param>
public sealed record ImageMetadata(
    string? Revision,
    string? ShortRevision,
    string? Branch,
    bool? Dirty,
    DateTimeOffset Created,
    string? Version,
    bool IsStableRelease,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>The tag <c>org.opencontainers.image.ref.name</c> names: the first one.</summary>
    public string PrimaryTag => Tags[0];
}
