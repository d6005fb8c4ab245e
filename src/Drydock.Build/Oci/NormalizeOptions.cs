using System.Globalization;
using Drydock.Build.Diagnostics;

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

    /// <summary>Compressed file data of earlier publishes, reused when a file's content is unchanged; null to deflate everything. Same bytes either way.</summary>
    public GzipMemberCache? GzipCache { get; init; }

    /// <summary>
    /// <c>DrydockCreated</c> (which ComputeImageMetadata writes and a global property can replace) as the epoch:
    /// an RFC 3339 / ISO 8601 time, UTC when it names no offset, from 1970 to 2242 (what a tar header holds).
    /// </summary>
    /// <exception cref="DrydockException">DRY2011: not a time, or out of that range.</exception>
    public static DateTimeOffset ParseEpoch(string? created) =>
        DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var epoch)
        && epoch.ToUnixTimeSeconds() is >= 0 and <= ReproducibleTarWriter.MaxOctalTime
            ? epoch
            : throw new DrydockException(KnownCodes.InvalidCreated,
                $"DrydockCreated is {MessageText.Quote(created)}, not a time from 1970 to 2242: set it to an RFC 3339 time such as 2024-05-01T12:00:00Z, or leave it unset so the commit time (or SOURCE_DATE_EPOCH) is used.");
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
