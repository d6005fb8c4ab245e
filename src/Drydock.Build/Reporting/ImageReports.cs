using System.Text.Json.Nodes;
using Drydock.Build.Oci;

namespace Drydock.Build.Reporting;

public static class ImageReports
{
    private const string Revision = "org.opencontainers.image.revision";
    private const string Created = "org.opencontainers.image.created";
    private const string BaseName = "org.opencontainers.image.base.name";
    private const string BaseDigest = "org.opencontainers.image.base.digest";

    /// <summary>The report of an image as its archive holds it.</summary>
    public static ImageReport FromArchive(OciArchive archive, string? registry, string repository, IReadOnlyList<string> tags)
    {
        var labels = Strings(archive.Config["config"]?["Labels"]);
        var annotations = Strings(archive.Manifest["annotations"]);
        return new ImageReport
        {
            Image = new ImageSection
            {
                Registry = string.IsNullOrEmpty(registry) ? null : registry,
                Repository = repository,
                Digest = archive.ManifestDescriptor.Digest.ToString(),
                ConfigDigest = archive.ConfigDescriptor.Digest.ToString(),
                Tags = tags,
                Size = archive.TotalSize,
                Archive = archive.Path,
                BaseName = labels.GetValueOrDefault(BaseName) ?? annotations.GetValueOrDefault(BaseName),
                BaseDigest = labels.GetValueOrDefault(BaseDigest) ?? annotations.GetValueOrDefault(BaseDigest),
                Labels = labels,
                Annotations = annotations,
            },
            Source = new SourceSection
            {
                Revision = labels.GetValueOrDefault(Revision) ?? annotations.GetValueOrDefault(Revision),
                Created = labels.GetValueOrDefault(Created) ?? annotations.GetValueOrDefault(Created),
            },
        };
    }

    /// <summary>
    /// The report of a multi-platform image: the facts of <paramref name="loaded"/> (the platform loaded
    /// and tested), with the index's digest, the index archive and every platform.
    /// </summary>
    public static ImageReport FromIndex(OciArchive loaded, string indexArchive, string indexDigest, IReadOnlyList<PlatformSection> platforms, string? registry, string repository, IReadOnlyList<string> tags)
    {
        var report = FromArchive(loaded, registry, repository, tags);
        return report with
        {
            Image = report.Image with
            {
                Digest = indexDigest,
                Archive = indexArchive,
                Size = platforms.Sum(p => p.Size),
                Platforms = platforms,
            },
        };
    }

    private static SortedDictionary<string, string> Strings(JsonNode? node) =>
        new(node is JsonObject map
            ? map.Where(pair => pair.Value is JsonValue).ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>(), StringComparer.Ordinal)
            : [], StringComparer.Ordinal);
}
