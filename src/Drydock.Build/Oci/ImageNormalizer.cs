using System.Globalization;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci;

/// <summary>
/// Turns the SDK's image archive into one whose bytes depend only on the app's files, the base image and
/// the options: no wall clock, file times, clone path, machine timezone or culture gets in. The app
/// layers are rewritten (<see cref="LayerRewriter"/>), base layers copied byte for byte, config and
/// manifest re-stamped, and the result written by <see cref="ImageLayoutWriter"/> as one tar that
/// every engine loads.
/// </summary>
public static class ImageNormalizer
{
    private const string SdkHistoryAuthor = ".NET SDK";

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
        CancellationToken cancellationToken = default) =>
        Normalize(OciArchive.Open(sdkArchive), outputArchive, options, log, cancellationToken);

    /// <summary>As above, for one image of an archive (one platform of a multi-platform layout: <see cref="ImageIndexNormalizer"/>).</summary>
    public static NormalizedImage Normalize(
        OciArchive archive,
        string outputArchive,
        NormalizeOptions options,
        IBuildLog? log = null,
        CancellationToken cancellationToken = default) =>
        Normalize(new SplitImage(archive, null), outputArchive, options, log, cancellationToken);

    /// <summary>As above, for the layer split's result (its app layer, when already read, is not read again).</summary>
    internal static NormalizedImage Normalize(
        SplitImage split,
        string outputArchive,
        NormalizeOptions options,
        IBuildLog? log = null,
        CancellationToken cancellationToken = default)
    {
        log ??= NullBuildLog.Instance;
        var archive = split.Archive;
        using var image = Prepare(split, options, log, cancellationToken);
        var written = ImageLayoutWriter.Write(outputArchive, image.Manifest, archive.Config, image.Config, image.Layers, image.Blobs, options.Names, EpochSeconds(options.Epoch), cancellationToken, keepSpare: true);
        log.Detail($"Drydock: image archive '{outputArchive}' {(written ? "written" : "unchanged")}: manifest {image.Manifest.Digest}, config {image.Config.Digest}");
        return image.ToNormalizedImage(outputArchive, written);
    }

    /// <summary>
    /// The normalized image, not yet written: its manifest, config and rewritten app layers (temp files, gone
    /// on dispose), and the base layers as they are in <paramref name="archive"/>. Written by
    /// <see cref="Normalize(OciArchive, string, NormalizeOptions, IBuildLog?, CancellationToken)"/> as one image, or
    /// by <see cref="ImageIndexNormalizer"/> with the other platforms into one index archive.
    /// Thread-safe for different archives: nothing here is shared between calls. Disposes <paramref name="split"/>'s
    /// spooled app layer.
    /// </summary>
    internal static PreparedImage Prepare(SplitImage split, NormalizeOptions options, IBuildLog log, CancellationToken cancellationToken)
    {
        using var spooledAppLayer = split.AppLayer;
        var archive = split.Archive;
        if (options.Names.Count == 0 || options.Names.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("The image needs at least one name, and no empty one.", nameof(options));
        }

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

                rewritten.Add(spooledAppLayer is not null && i == archive.Layers.Count - 1
                    ? LayerRewriter.Write(spooledAppLayer, spooledAppLayer.Entries, layer.MediaType, epochSeconds, options.GzipCache, cancellationToken)
                    : LayerRewriter.Rewrite(archive, layer, archive.DiffIds[i], epochSeconds, options.GzipCache, cancellationToken));
                log.Detail($"Drydock: app layer {layer.Digest} -> {rewritten[^1].Descriptor.Digest} (diff_id {rewritten[^1].DiffId})");
            }

            var layers = archive.Layers.Take(firstAppLayer).Concat(rewritten.Select(r => r.Descriptor)).ToList();
            var config = OciJson.Serialize(NormalizeConfig(ConfigOverrides.Apply(archive.Config, options), rewritten, epochSeconds));
            var configDescriptor = archive.ConfigDescriptor with { Digest = Digest.Of(config), Size = config.Length };
            var manifest = OciJson.Serialize(NormalizeManifest(archive.Manifest, configDescriptor, layers, options.Annotations));
            var manifestDescriptor = new Descriptor(OciMediaTypes.ImageManifest, Digest.Of(manifest), manifest.Length);

            LayoutBlob[] blobs =
            [
                new(configDescriptor, () => new MemoryStream(config, writable: false)),
                new(manifestDescriptor, () => new MemoryStream(manifest, writable: false)),
                .. archive.Layers.Take(firstAppLayer).Select(layer => new LayoutBlob(layer, () => archive.OpenVerifiedBlob(layer))),
                .. rewritten.Select(layer => new LayoutBlob(layer.Descriptor, () => new BoundedReadStream(layer.Content, 0, layer.Descriptor.Size, ownsInner: false))),
            ];
            return new PreparedImage(manifestDescriptor, configDescriptor, layers, blobs, rewritten);
        }
        catch
        {
            rewritten.ForEach(r => r.Dispose());
            throw;
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

    /// <summary>Whole seconds since 1970: tar stores 11 octal digits, so the epoch must lie in 1970..2242.</summary>
    internal static long EpochSeconds(DateTimeOffset epoch)
    {
        var seconds = epoch.ToUnixTimeSeconds();
        return seconds is >= 0 and <= ReproducibleTarWriter.MaxOctalTime
            ? seconds
            : throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "The epoch must lie between 1970 and 2242.");
    }

    /// <summary>RFC 3339 in UTC with whole seconds, whatever the machine's timezone and culture.</summary>
    private static string FormatEpoch(long epochSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(epochSeconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>A normalized image before it is written (<see cref="ImageNormalizer.Prepare"/>): what to write, and the temp files to drop after.</summary>
internal sealed class PreparedImage(Descriptor manifest, Descriptor config, IReadOnlyList<Descriptor> layers, IReadOnlyList<LayoutBlob> blobs, IReadOnlyList<IDisposable> temporaries) : IDisposable
{
    public Descriptor Manifest { get; } = manifest;

    public Descriptor Config { get; } = config;

    /// <summary>The manifest's layers, base first.</summary>
    public IReadOnlyList<Descriptor> Layers { get; } = layers;

    /// <summary>Config, manifest and every layer; each opened once, when written.</summary>
    public IReadOnlyList<LayoutBlob> Blobs { get; } = blobs;

    public long TotalSize => Manifest.Size + Config.Size + Layers.Sum(l => l.Size);

    public NormalizedImage ToNormalizedImage(string archivePath, bool written) =>
        new(archivePath, Manifest.Digest, Manifest.Size, Config.Digest, Layers, TotalSize, written);

    public void Dispose()
    {
        foreach (var temporary in temporaries)
        {
            temporary.Dispose();
        }
    }
}
