using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci;

/// <summary>One platform's normalized image: its own single-image archive (what lint, load and tests use) and its facts.</summary>
public sealed record PlatformImage(Platform Platform, NormalizedImage Image);

/// <summary>The normalized multi-platform image: the index archive and each platform's image.</summary>
public sealed record NormalizedIndex(string ArchivePath, Descriptor Index, IReadOnlyList<PlatformImage> Platforms, bool ArchiveWritten);

/// <summary>
/// Normalizes a multi-platform image (https://github.com/opencontainers/image-spec/blob/main/image-index.md),
/// as the SDK's <c>CreateImageIndex</c> writes it for <c>ContainerRuntimeIdentifiers</c>: each platform's
/// image is normalized on its own by <see cref="ImageNormalizer"/> into <see cref="PlatformArchivePath"/>,
/// then one index lists their manifests, sorted by platform so the order of the RIDs does not matter.
/// Same inputs ⇒ same manifest digests ⇒ same index digest. The archive holds every platform's blobs,
/// the index as a blob, and an <c>index.json</c> naming the index with the tag.
/// </summary>
public static class ImageIndexNormalizer
{
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>Where a platform's single-image archive lives beside the index archive: <c>image.tar</c> → <c>image.linux-amd64.tar</c>.</summary>
    public static string PlatformArchivePath(string indexArchive, Platform platform) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(indexArchive))!, $"{Path.GetFileNameWithoutExtension(indexArchive)}.{platform.FileName}.tar");

    /// <param name="prepare">Applied to each platform's image before it is normalized (the layer split); returns it or a replacement.</param>
    public static NormalizedIndex Normalize(string sdkArchive, string outputArchive, NormalizeOptions options, Func<OciArchive, Platform, OciArchive>? prepare = null, IBuildLog? log = null, CancellationToken cancellationToken = default)
    {
        log ??= NullBuildLog.Instance;
        var (_, manifests) = OciArchive.ReadIndex(sdkArchive)
            ?? throw OciArchive.Invalid(sdkArchive, "it holds one image, not an image index");
        var platforms = new List<PlatformImage>();
        foreach (var entry in manifests)
        {
            var archive = OciArchive.Open(sdkArchive, entry.Manifest);
            var platform = Platform.FromJson(archive.Config)
                ?? throw OciArchive.Invalid(sdkArchive, $"the config of manifest {entry.Manifest.Digest} names no os and architecture");
            if (entry.Platform is not null && entry.Platform != platform)
            {
                throw OciArchive.Invalid(sdkArchive, $"the index says manifest {entry.Manifest.Digest} is {entry.Platform}, but its config says {platform}");
            }

            if (platforms.Any(p => p.Platform == platform))
            {
                throw OciArchive.Invalid(sdkArchive, $"the index lists two images for {platform}");
            }

            var image = ImageNormalizer.Normalize(prepare?.Invoke(archive, platform) ?? archive, PlatformArchivePath(outputArchive, platform), options, log, cancellationToken);
            log.Detail($"Drydock: {platform}: manifest {image.ManifestDigest}, config {image.ConfigDigest}");
            platforms.Add(new PlatformImage(platform, image));
        }

        platforms.Sort((a, b) => string.CompareOrdinal(a.Platform.ToString(), b.Platform.ToString()));
        var index = OciJson.Serialize(CreateIndex(platforms, options.Annotations));
        var indexDescriptor = new Descriptor(OciMediaTypes.ImageIndex, Digest.Of(index), index.Length);

        var blobs = new List<LayoutBlob>();
        blobs.Add(new LayoutBlob(indexDescriptor, () => new MemoryStream(index, writable: false)));
        foreach (var (_, image) in platforms)
        {
            var archive = OciArchive.Open(image.ArchivePath);
            foreach (var blob in archive.Layers.Prepend(archive.ConfigDescriptor).Prepend(archive.ManifestDescriptor))
            {
                blobs.Add(new LayoutBlob(blob, () => archive.OpenVerifiedBlob(blob)));
            }
        }

        var layout = OciJson.Serialize(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageIndex,
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = indexDescriptor.MediaType,
                ["digest"] = indexDescriptor.Digest.ToString(),
                ["size"] = indexDescriptor.Size,
                ["annotations"] = new JsonObject { [RefNameAnnotation] = options.Names[0] },
            }),
        });
        var written = ImageLayoutWriter.WriteLayout(outputArchive, blobs, layout, ImageNormalizer.EpochSeconds(options.Epoch), cancellationToken);
        log.Detail($"Drydock: image index archive '{outputArchive}' {(written ? "written" : "unchanged")}: index {indexDescriptor.Digest}, {platforms.Count} platforms");
        return new NormalizedIndex(outputArchive, indexDescriptor, platforms, written);
    }

    /// <summary>The index: each manifest with its platform; the manifests' annotations on the index too, sorted, so registries show them for the tag.</summary>
    private static JsonObject CreateIndex(List<PlatformImage> platforms, IReadOnlyDictionary<string, string> annotations)
    {
        var manifests = new JsonArray();
        foreach (var (platform, image) in platforms)
        {
            manifests.Add(new JsonObject
            {
                ["mediaType"] = OciMediaTypes.ImageManifest,
                ["digest"] = image.ManifestDigest.ToString(),
                ["size"] = image.ManifestSize,
                ["platform"] = platform.ToJson(),
            });
        }

        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageIndex,
            ["manifests"] = manifests,
        };
        if (annotations.Count > 0)
        {
            index["annotations"] = new JsonObject(annotations.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)));
        }

        return index;
    }
}
