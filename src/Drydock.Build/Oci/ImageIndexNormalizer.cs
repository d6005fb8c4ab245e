using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci;

/// <summary>One platform's normalized image: its manifest, config and layers in the index archive.</summary>
public sealed record PlatformImage(Platform Platform, NormalizedImage Image);

/// <summary>The normalized multi-platform image: the index archive and each platform's image.</summary>
public sealed record NormalizedIndex(string ArchivePath, Descriptor Index, IReadOnlyList<PlatformImage> Platforms, bool ArchiveWritten);

/// <summary>
/// Normalizes a multi-platform image (https://github.com/opencontainers/image-spec/blob/main/image-index.md),
/// as the SDK's <c>CreateImageIndex</c> writes it for <c>ContainerRuntimeIdentifiers</c>: each platform's
/// image is normalized on its own by <see cref="ImageNormalizer"/> (the platforms in parallel), then one
/// index lists their manifests, sorted by platform so the order of the RIDs does not matter. Same inputs ⇒
/// same manifest digests ⇒ same index digest. One archive holds every platform's blobs, each written once,
/// the index as a blob, and an <c>index.json</c> naming the index with the tag. A platform's single-image
/// archive (<see cref="PlatformArchivePath"/>, what an engine loads) is cut from it only when that platform
/// is loaded (<see cref="ExtractPlatform"/>).
/// </summary>
public static class ImageIndexNormalizer
{
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>Where a platform's single-image archive lives beside the index archive: <c>image.tar</c> → <c>image.linux-amd64.tar</c>.</summary>
    public static string PlatformArchivePath(string indexArchive, Platform platform) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(indexArchive))!, $"{Path.GetFileNameWithoutExtension(indexArchive)}.{platform.FileName}.tar");

    /// <param name="prepare">Applied to each platform's image before it is normalized (the layer split); returns it, or a replacement (<see cref="LayerSplitter.Split"/>). Called from several threads at once, one platform each.</param>
    internal static NormalizedIndex Normalize(string sdkArchive, string outputArchive, NormalizeOptions options, Func<OciArchive, Platform, IBuildLog, SplitImage>? prepare = null, IBuildLog? log = null, CancellationToken cancellationToken = default)
    {
        log ??= NullBuildLog.Instance;
        var (_, manifests) = OciArchive.ReadIndex(sdkArchive)
            ?? throw OciArchive.Invalid(sdkArchive, "it holds one image, not an image index");
        var sources = new List<(Platform Platform, OciArchive Archive)>();
        foreach (var entry in manifests)
        {
            var archive = OciArchive.Open(sdkArchive, entry.Manifest);
            var platform = Platform.FromJson(archive.Config)
                ?? throw OciArchive.Invalid(sdkArchive, $"the config of manifest {entry.Manifest.Digest} names no os and architecture");
            if (entry.Platform is not null && entry.Platform != platform)
            {
                throw OciArchive.Invalid(sdkArchive, $"the index says manifest {entry.Manifest.Digest} is {entry.Platform}, but its config says {platform}");
            }

            if (sources.Any(p => p.Platform == platform))
            {
                throw OciArchive.Invalid(sdkArchive, $"the index lists two images for {platform}");
            }

            sources.Add((platform, archive));
        }

        sources.Sort((a, b) => string.CompareOrdinal(a.Platform.ToString(), b.Platform.ToString()));
        var prepared = PrepareAll(sources, options, prepare, log, cancellationToken);
        try
        {
            var index = OciJson.Serialize(CreateIndex(sources.Zip(prepared, (s, p) => (s.Platform, p)).ToList(), options.Annotations));
            var indexDescriptor = new Descriptor(OciMediaTypes.ImageIndex, Digest.Of(index), index.Length);

            // Each blob once: a base layer both platforms share (rare, but a platform-neutral layer may be) is stored once.
            var blobs = prepared.SelectMany(p => p.Blobs).Prepend(new LayoutBlob(indexDescriptor, () => new MemoryStream(index, writable: false)));
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
            var written = ImageLayoutWriter.WriteLayout(outputArchive, blobs, layout, ImageNormalizer.EpochSeconds(options.Epoch), cancellationToken, keepSpare: true);
            if (written)
            {
                // Cut from an earlier index: gone, so nothing loads or reports a platform image this index does not hold.
                foreach (var (platform, _) in sources)
                {
                    File.Delete(PlatformArchivePath(outputArchive, platform));
                }
            }

            log.Detail($"Drydock: image index archive '{outputArchive}' {(written ? "written" : "unchanged")}: index {indexDescriptor.Digest}, {sources.Count} platforms");
            var platforms = sources.Zip(prepared, (s, p) => new PlatformImage(s.Platform, p.ToNormalizedImage(outputArchive, written))).ToList();
            return new NormalizedIndex(outputArchive, indexDescriptor, platforms, written);
        }
        finally
        {
            prepared.ForEach(p => p.Dispose());
        }
    }

    /// <summary>
    /// Every platform's image normalized, in parallel (as the SDK builds its RIDs): each platform reads its own
    /// blobs and writes its own temp files. The log of each is passed on in platform order, and the first
    /// platform's failure in that order is the one thrown, so a publish reads the same however the work was scheduled.
    /// </summary>
    private static List<PreparedImage> PrepareAll(List<(Platform Platform, OciArchive Archive)> sources, NormalizeOptions options, Func<OciArchive, Platform, IBuildLog, SplitImage>? prepare, IBuildLog log, CancellationToken cancellationToken)
    {
        var results = new PreparedImage?[sources.Count];
        var failures = new ExceptionDispatchInfo?[sources.Count];
        var logs = sources.Select(_ => new BufferedBuildLog()).ToArray();
        Parallel.For(0, sources.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, i =>
        {
            try
            {
                var (platform, archive) = sources[i];
                var image = ImageNormalizer.Prepare(prepare?.Invoke(archive, platform, logs[i]) ?? new SplitImage(archive, null), options, logs[i], cancellationToken);
                logs[i].Detail($"Drydock: {platform}: manifest {image.Manifest.Digest}, config {image.Config.Digest}");
                results[i] = image;
            }
            catch (Exception e)
            {
                failures[i] = ExceptionDispatchInfo.Capture(e);
            }
        });
        foreach (var buffered in logs)
        {
            buffered.ReplayTo(log);
        }

        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            foreach (var result in results)
            {
                result?.Dispose();
            }

            failure.Throw();
        }

        return results.Select(r => r!).ToList();
    }

    /// <summary>
    /// Writes <paramref name="platform"/>'s image of the index archive <paramref name="indexArchive"/> as a
    /// single-image archive that every engine loads (<see cref="ImageLayoutWriter.Write"/>), at
    /// <paramref name="outputArchive"/>, named <paramref name="names"/> (primary first). Its blobs are the
    /// index archive's, byte for byte (each verified as it is copied), so the loaded image has the manifest
    /// and config digests the index lists. An output that already holds that manifest is kept as it is.
    /// </summary>
    /// <returns>Whether the output was (re)written.</returns>
    /// <exception cref="DrydockException">DRY3001/DRY3002: the index archive is missing, not valid, or has no image for the platform.</exception>
    public static bool ExtractPlatform(string indexArchive, string platform, string outputArchive, IReadOnlyList<string> names, IBuildLog log, CancellationToken cancellationToken)
    {
        var image = OciArchive.OpenImage(indexArchive, platform);
        if (File.Exists(outputArchive) && TryManifestOf(outputArchive) == image.ManifestDescriptor.Digest)
        {
            log.Detail($"Drydock: {platform}: '{outputArchive}' already holds {image.ManifestDescriptor.Digest}");
            return false;
        }

        var blobs = image.Layers.Prepend(image.ConfigDescriptor).Prepend(image.ManifestDescriptor)
            .Select(blob => new LayoutBlob(blob, () => image.OpenVerifiedBlob(blob)));
        // The image's own time (the normalized config's `created`, the build's epoch): the same image gives the same archive.
        var epoch = DateTimeOffset.TryParse(OciJson.GetString(image.Config["created"]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var created)
            && created.ToUnixTimeSeconds() is >= 0 and <= ReproducibleTarWriter.MaxOctalTime ? created.ToUnixTimeSeconds() : 0;
        var written = ImageLayoutWriter.Write(outputArchive, image.ManifestDescriptor, image.Config, image.ConfigDescriptor, image.Layers, blobs, names, epoch, cancellationToken);
        log.Detail($"Drydock: {platform}: {image.ManifestDescriptor.Digest} cut from '{indexArchive}' into '{outputArchive}'");
        return written;
    }

    private static Digest? TryManifestOf(string archive)
    {
        try
        {
            return OciArchive.Open(archive).ManifestDescriptor.Digest;
        }
        catch (DrydockException)
        {
            return null;
        }
    }

    /// <summary>The index: each manifest with its platform; the manifests' annotations on the index too, sorted, so registries show them for the tag.</summary>
    private static JsonObject CreateIndex(List<(Platform Platform, PreparedImage Image)> platforms, IReadOnlyDictionary<string, string> annotations)
    {
        var manifests = new JsonArray();
        foreach (var (platform, image) in platforms)
        {
            manifests.Add(new JsonObject
            {
                ["mediaType"] = OciMediaTypes.ImageManifest,
                ["digest"] = image.Manifest.Digest.ToString(),
                ["size"] = image.Manifest.Size,
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
