using System.Formats.Tar;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci;

/// <summary>
/// Turns the SDK's image archive into one whose bytes depend only on the app's files, the base image and
/// the options: no wall clock, file times, clone path, machine timezone or culture gets in. The app
/// layers are rewritten (<see cref="LayerRewriter"/>), base layers copied byte for byte, config and
/// manifest re-stamped, and the result written as an OCI layout tar with one tagged index entry.
/// </summary>
public static class ImageNormalizer
{
    private const string SdkHistoryAuthor = ".NET SDK";
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>
    /// Labels the SDK fills with the wall clock (ContainerGenerateLabelsImageCreated); they would change
    /// the config digest on every publish, so they are set to the epoch like the config's own times.
    /// </summary>
    private static readonly string[] WallClockLabels = ["org.opencontainers.image.created", "org.opencontainers.artifact.created"];

    public static NormalizedImage Normalize(
        string sdkArchive,
        string outputArchive,
        NormalizeOptions options,
        IBuildLog? log = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RefName);
        return Normalize(OciArchive.Open(sdkArchive), outputArchive, options, log, cancellationToken);
    }

    /// <summary>As above, for one image of an archive (one platform of a multi-platform layout: <see cref="ImageIndexNormalizer"/>).</summary>
    public static NormalizedImage Normalize(
        OciArchive archive,
        string outputArchive,
        NormalizeOptions options,
        IBuildLog? log = null,
        CancellationToken cancellationToken = default)
    {
        log ??= NullBuildLog.Instance;
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RefName);
        var epochSeconds = EpochSeconds(options.Epoch);
        var sdkArchive = archive.Path;
        var appLayerCount = CountAppLayers(archive.Config, archive.Layers.Count)
            ?? throw OciArchive.Invalid(sdkArchive, $"cannot tell the app layers from the base layers: the config's history has no usable '{SdkHistoryAuthor}' entries for its {archive.Layers.Count} layers");
        log.Detail($"Drydock: normalizing '{sdkArchive}': {archive.Layers.Count} layers, the last {appLayerCount} added by the SDK; epoch={FormatEpoch(epochSeconds)}");

        var firstAppLayer = archive.Layers.Count - appLayerCount;
        var rewritten = new List<RewrittenLayer>();
        try
        {
            for (var i = firstAppLayer; i < archive.Layers.Count; i++)
            {
                var layer = archive.Layers[i];
                if (!OciMediaTypes.IsGzipLayer(layer.MediaType))
                {
                    throw OciArchive.Invalid(sdkArchive, $"app layer {layer.Digest} has media type '{layer.MediaType}'; only gzip layers can be normalized");
                }

                rewritten.Add(LayerRewriter.Rewrite(archive, layer, archive.DiffIds[i], epochSeconds, cancellationToken));
                log.Detail($"Drydock: app layer {layer.Digest} -> {rewritten[^1].Descriptor.Digest} (diff_id {rewritten[^1].DiffId})");
            }

            var layers = archive.Layers.Take(firstAppLayer).Concat(rewritten.Select(r => r.Descriptor)).ToList();
            var config = OciJson.Serialize(NormalizeConfig(ConfigOverrides.Apply(archive.Config, options), rewritten, epochSeconds));
            var configDescriptor = archive.ConfigDescriptor with { Digest = Digest.Of(config), Size = config.Length };
            var manifest = OciJson.Serialize(NormalizeManifest(archive.Manifest, configDescriptor, layers, options.Annotations));
            var manifestDescriptor = new Descriptor(OciMediaTypes.ImageManifest, Digest.Of(manifest), manifest.Length);
            var index = OciJson.Serialize(CreateIndex(manifestDescriptor, archive.Config, options.RefName));

            var blobs = new SortedDictionary<string, (long Size, Func<Stream> Open)>(StringComparer.Ordinal);
            AddBlob(blobs, configDescriptor, () => new MemoryStream(config, writable: false));
            AddBlob(blobs, manifestDescriptor, () => new MemoryStream(manifest, writable: false));
            foreach (var layer in archive.Layers.Take(firstAppLayer))
            {
                AddBlob(blobs, layer, () => archive.OpenVerifiedBlob(layer));
            }

            foreach (var layer in rewritten)
            {
                AddBlob(blobs, layer.Descriptor, () => new BoundedReadStream(layer.Content, 0, layer.Descriptor.Size, ownsInner: false));
            }

            var written = WriteArchive(outputArchive, blobs, index, epochSeconds, cancellationToken);
            log.Detail($"Drydock: image archive '{outputArchive}' {(written ? "written" : "unchanged")}: manifest {manifestDescriptor.Digest}, config {configDescriptor.Digest}");
            return new NormalizedImage(
                outputArchive,
                manifestDescriptor.Digest,
                manifestDescriptor.Size,
                configDescriptor.Digest,
                layers,
                manifestDescriptor.Size + configDescriptor.Size + layers.Sum(l => l.Size),
                written);
        }
        finally
        {
            rewritten.ForEach(r => r.Dispose());
        }
    }

    /// <summary>
    /// How many of the image's layers the SDK added on top of the base image: the SDK appends one history
    /// entry authored ".NET SDK" per layer it adds, after the base image's entries, and layers and
    /// non-empty history entries are in the same order (https://github.com/opencontainers/image-spec/blob/main/config.md,
    /// <c>history</c>). So the app layers are the last K, K = the number of ".NET SDK" entries that are not
    /// <c>empty_layer: true</c>. Null when K is 0 or more than <paramref name="layerCount"/>: then the
    /// split is unknown, and rewriting a base layer would change its digest for nothing.
    /// </summary>
    public static int? CountAppLayers(JsonObject config, int layerCount)
    {
        var count = (config["history"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Count(h => OciJson.GetString(h["author"]) == SdkHistoryAuthor
                && !(h["empty_layer"] is JsonValue empty && empty.TryGetValue<bool>(out var isEmpty) && isEmpty));
        return count > 0 && count <= layerCount ? count : null;
    }

    /// <summary>created, history[].created and the wall-clock labels = epoch; app diff_ids replaced; nothing else changes, key order kept.</summary>
    private static JsonObject NormalizeConfig(JsonObject original, List<RewrittenLayer> rewritten, long epochSeconds)
    {
        var config = (JsonObject)original.DeepClone();
        var epoch = FormatEpoch(epochSeconds);
        config["created"] = epoch;
        foreach (var entry in (config["history"] as JsonArray ?? []).OfType<JsonObject>())
        {
            entry["created"] = epoch;
        }

        if ((config["config"] as JsonObject)?["Labels"] is JsonObject labels)
        {
            foreach (var label in WallClockLabels.Where(labels.ContainsKey))
            {
                labels[label] = epoch;
            }
        }

        var diffIds = (JsonArray)((JsonObject)config["rootfs"]!)["diff_ids"]!;
        var first = diffIds.Count - rewritten.Count;
        for (var i = 0; i < rewritten.Count; i++)
        {
            diffIds[first + i] = rewritten[i].DiffId.ToString();
        }

        return config;
    }

    /// <summary>New config and layer descriptors (other descriptor fields kept); annotations merged with the options', sorted, omitted when empty.</summary>
    private static JsonObject NormalizeManifest(JsonObject original, Descriptor config, List<Descriptor> layers, IReadOnlyDictionary<string, string> annotations)
    {
        var manifest = (JsonObject)original.DeepClone();
        SetDescriptor((JsonObject)manifest["config"]!, config);
        var layerArray = (JsonArray)manifest["layers"]!;
        for (var i = 0; i < layers.Count; i++)
        {
            SetDescriptor((JsonObject)layerArray[i]!, layers[i]);
        }

        var merged = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in (manifest["annotations"] as JsonObject ?? []).Where(a => OciJson.GetString(a.Value) is not null))
        {
            merged[key] = OciJson.GetString(value)!;
        }

        foreach (var (key, value) in annotations)
        {
            merged[key] = value;
        }

        manifest.Remove("annotations");
        if (merged.Count > 0)
        {
            manifest["annotations"] = new JsonObject(merged.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)));
        }

        return manifest;
    }

    private static void SetDescriptor(JsonObject json, Descriptor descriptor)
    {
        json["mediaType"] = descriptor.MediaType;
        json["digest"] = descriptor.Digest.ToString();
        json["size"] = descriptor.Size;
    }

    /// <summary>
    /// One entry, tagged with ref.name only (https://github.com/opencontainers/image-spec/blob/main/image-layout.md#indexjson-file).
    /// The SDK's io.containerd.image.name is left out: the loader tags the image itself. The platform
    /// comes from the config, so a loader can check it without reading the config.
    /// </summary>
    private static JsonObject CreateIndex(Descriptor manifest, JsonObject config, string refName)
    {
        var entry = new JsonObject
        {
            ["mediaType"] = manifest.MediaType,
            ["digest"] = manifest.Digest.ToString(),
            ["size"] = manifest.Size,
        };
        if (OciJson.GetString(config["architecture"]) is { } architecture && OciJson.GetString(config["os"]) is { } os)
        {
            var platform = new JsonObject { ["architecture"] = architecture, ["os"] = os };
            if (OciJson.GetString(config["variant"]) is { } variant)
            {
                platform["variant"] = variant;
            }

            entry["platform"] = platform;
        }

        entry["annotations"] = new JsonObject { [RefNameAnnotation] = refName };
        return new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageIndex,
            ["manifests"] = new JsonArray(entry),
        };
    }

    internal static void AddBlob(SortedDictionary<string, (long, Func<Stream>)> blobs, Descriptor descriptor, Func<Stream> open) =>
        blobs.TryAdd("blobs/sha256/" + descriptor.Digest.Hex, (descriptor.Size, open));

    /// <summary>
    /// Writes the layout tar next to the output and renames it into place, so the output is either the old
    /// file or the complete new one. An identical existing output is kept as is, timestamp included, so
    /// MSBuild's incremental checks see it unchanged. Returns whether the output was (re)written.
    /// </summary>
    internal static bool WriteArchive(string outputArchive, SortedDictionary<string, (long Size, Func<Stream> Open)> blobs, byte[] index, long epochSeconds, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(outputArchive))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(outputArchive)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920))
            {
                // Entries sorted by name: blobs/sha256/…, index.json, oci-layout.
                var writer = new ReproducibleTarWriter(stream, epochSeconds);
                const UnixFileMode FileMode = (UnixFileMode)0b110_100_100;
                foreach (var (name, (size, open)) in blobs)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var data = open();
                    writer.Write(new TarItem(TarEntryType.RegularFile, name, FileMode, size), data);
                }

                writer.Write(new TarItem(TarEntryType.RegularFile, "index.json", FileMode, index.Length), new MemoryStream(index));
                var layout = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();
                writer.Write(new TarItem(TarEntryType.RegularFile, "oci-layout", FileMode, layout.Length), new MemoryStream(layout));
                writer.Finish();
            }

            if (SameBytes(temp, outputArchive))
            {
                File.Delete(temp);
                return false;
            }

            File.Move(temp, outputArchive, overwrite: true);
            return true;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static bool SameBytes(string a, string b)
    {
        if (!File.Exists(b) || new FileInfo(a).Length != new FileInfo(b).Length)
        {
            return false;
        }

        using var first = File.OpenRead(a);
        using var second = File.OpenRead(b);
        var left = new byte[81920];
        var right = new byte[81920];
        int read;
        while ((read = first.ReadAtLeast(left, left.Length, throwOnEndOfStream: false)) > 0)
        {
            if (second.ReadAtLeast(right.AsSpan(0, read), read, throwOnEndOfStream: false) != read || !left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, read)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whole seconds since 1970: tar stores 11 octal digits, so the epoch must lie in 1970..2242.</summary>
    internal static long EpochSeconds(DateTimeOffset epoch)
    {
        var seconds = epoch.ToUnixTimeSeconds();
        return seconds is >= 0 and <= 077777777777
            ? seconds
            : throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "The epoch must lie between 1970 and 2242.");
    }

    /// <summary>RFC 3339 in UTC with whole seconds, whatever the machine's timezone and culture.</summary>
    private static string FormatEpoch(long epochSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(epochSeconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
