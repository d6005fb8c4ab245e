namespace Drydock.Build.Oci;

/// <summary>What <see cref="ImageNormalizer"/> stamps into the image instead of the wall clock and the SDK's naming.</summary>
public sealed record NormalizeOptions
{
    /// <summary>
    /// The build's epoch (<c>SOURCE_DATE_EPOCH</c>, else the commit time): every layer entry's mtime and
    /// every time in the config. Sub-second parts are dropped; tar and RFC 3339 seconds are what stays.
    /// </summary>
    public required DateTimeOffset Epoch { get; init; }

    /// <summary>
    /// The image's local names (<c>repository:tag</c>), primary first: index.json's
    /// <c>org.opencontainers.image.ref.name</c> is the first (podman names the image by it on load),
    /// manifest.json's <c>RepoTags</c> are all of them (docker tags the image with them on load).
    /// </summary>
    public required IReadOnlyList<string> Names { get; init; }

    /// <summary>Manifest annotations to set. Written sorted by key, so any dictionary gives the same bytes.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Config labels to set to exactly these values (<see cref="ConfigOverrides"/>); others are kept. Empty:
    /// the config's labels as the SDK wrote them.
    /// </summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Config environment variables to set to exactly these values; others are kept.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>The normalized archive and the facts later stages (load, lint, push, report) need from it.</summary>
public sealed record NormalizedImage(
    string ArchivePath,
    Digest ManifestDigest,
    long ManifestSize,
    Digest ConfigDigest,
    IReadOnlyList<Descriptor> Layers,
    long TotalSize,
    bool ArchiveWritten);
