using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci;

/// <summary>
/// Splits the SDK's one app layer into the layers of a <see cref="LayerPlan"/> (dependencies, the
/// project's own <c>ContainerLayer</c>s, the app), before <see cref="ImageNormalizer"/> runs: the result
/// is an intermediate single-image archive (only the new config, manifest and layers; its base layers are
/// read from the source archive) whose new layers carry the SDK's history author, so the normalizer treats
/// each as an app layer and rewrites it reproducibly. Entries are copied as they are
/// (the normalizer decides what of them stays); directories go into every layer that has files below them.
/// The dependencies layer is the exception: it is rewritten here (<see cref="LayerRewriter"/>) with the
/// fixed <see cref="DependenciesEpoch"/> and kept by the normalizer as it is, so a new commit, whose
/// time is every other app file's mtime, leaves its digest alone and a push skips it.
/// </summary>
public static class LayerSplitter
{
    /// <summary>
    /// The mtime of the package assets: 0 (1970). Their times mean nothing to the app (the runtime loads
    /// them by name and version); with the commit time, every commit would change the layer. The
    /// project's own files, ContainerLayer ones included, keep the commit time (static file
    /// middleware derives Last-Modified and ETag from it).
    /// </summary>
    public const long DependenciesEpoch = 0;

    private const string OwnAuthor = "Drydock";

    /// <summary>
    /// The split image, written to <paramref name="intermediateArchive"/>; or <paramref name="source"/> itself
    /// when there is nothing to split (the app's files all fall into one layer, or the SDK did not add exactly
    /// one layer), then with its app layer already decompressed when it was read to decide
    /// (<see cref="SplitImage.AppLayer"/>), which the normalizer rewrites without reading it again.
    /// The plan's package layer comes from the app's deps.json inside the layer, so each platform of a
    /// multi-platform image is split by its own.
    /// </summary>
    internal static SplitImage Split(
        OciArchive source,
        IReadOnlyList<LayerRule> rules,
        string intermediateArchive,
        IBuildLog log,
        CancellationToken cancellationToken,
        GzipMemberCache? cache = null)
    {
        var image = SpoolAppLayer(source, cancellationToken);
        if (image.AppLayer is null)
        {
            log.Detail("Drydock: layers: the SDK did not add exactly one gzip app layer; not split");
            return image;
        }

        return Split(image, rules, intermediateArchive, log, cancellationToken, cache);
    }

    /// <summary>The image with its one gzip app layer spooled (<see cref="LayerRewriter.Spool"/>); without, when the SDK did not add exactly one.</summary>
    internal static SplitImage SpoolAppLayer(OciArchive source, CancellationToken cancellationToken) =>
        ImageNormalizer.CountAppLayers(source.Config, source.Layers.Count) == 1 && OciMediaTypes.IsGzipLayer(source.Layers[^1].MediaType)
            ? new SplitImage(source, LayerRewriter.Spool(source, source.Layers[^1], source.DiffIds[^1], cancellationToken))
            : new SplitImage(source, null);

    /// <summary>As above, for an image with one gzip app layer whose content is already spooled (it is handed over).</summary>
    internal static SplitImage Split(
        SplitImage image,
        IReadOnlyList<LayerRule> rules,
        string intermediateArchive,
        IBuildLog log,
        CancellationToken cancellationToken,
        GzipMemberCache? cache = null)
    {
        var (source, spooled) = (image.Archive, image.AppLayer!);
        var appLayer = source.Layers[^1];
        var prefix = AppPrefix(source.Config);
        var handedOver = false;
        try
        {
            var split = Split(source, spooled.Content, appLayer, prefix, rules, intermediateArchive, log, cache, cancellationToken);
            handedOver = split is null;
            return split is null ? new SplitImage(source, spooled) : new SplitImage(split, null);
        }
        finally
        {
            if (!handedOver)
            {
                spooled.Dispose();
            }
        }
    }

    private static OciArchive? Split(OciArchive source, FileStream spool, Descriptor appLayer, string prefix, IReadOnlyList<LayerRule> rules, string intermediateArchive, IBuildLog log, GzipMemberCache? cache, CancellationToken cancellationToken)
    {
        var entries = ReadEntries(spool);
        var deps = entries.Where(e => e.Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
            .Where(e => Relative(e.Name, prefix) is { } rel && !rel.Contains('/', StringComparison.Ordinal) && rel.EndsWith(".deps.json", StringComparison.Ordinal))
            .ToList();
        var plan = LayerPlan.Create(deps.Count == 1 ? ReadJson(spool, deps[0]) : null, rules);
        var assignment = Assign(entries, plan, prefix);
        var used = assignment.Values.SelectMany(l => l).Distinct().Order().ToList();
        if (used.Count < 2)
        {
            log.Detail($"Drydock: layers: every app file falls into '{plan.Layers[used.FirstOrDefault(plan.Layers.Count - 1)]}'; one app layer");
            return null;
        }

        var layers = used.Select(_ => new LayerOutput()).ToList();
        RewrittenLayer? dependencies = null;
        try
        {
            WriteLayers(spool, assignment, used, layers, cancellationToken);
            var descriptors = layers.Select(l => new Descriptor(appLayer.MediaType, l.Digest!, l.Size)).ToList();
            if (used[0] == 0)
            {
                dependencies = RewriteDependencies(layers[0], descriptors[0], intermediateArchive + ".deps.tar", cache, cancellationToken);
                descriptors[0] = dependencies.Descriptor;
                layers[0].DiffId = dependencies.DiffId;
            }

            for (var i = 0; i < used.Count; i++)
            {
                log.Detail($"Drydock: layer '{plan.Layers[used[i]]}': {assignment.Count(a => a.Value.Contains(used[i]))} entries, {descriptors[i].Size} bytes");
            }

            var config = OciJson.Serialize(SplitConfig(source.Config, layers.Select(l => l.DiffId!).ToList(), used.Select(i => plan.Layers[i]).ToList(), dependencies is not null));
            var configDescriptor = source.ConfigDescriptor with { Digest = Digest.Of(config), Size = config.Length };
            var manifestJson = (JsonObject)source.Manifest.DeepClone();
            var layerArray = (JsonArray)manifestJson["layers"]!;
            layerArray.RemoveAt(layerArray.Count - 1);
            foreach (var d in descriptors)
            {
                layerArray.Add(new JsonObject { ["mediaType"] = d.MediaType, ["digest"] = d.Digest.ToString(), ["size"] = d.Size });
            }

            var configNode = (JsonObject)manifestJson["config"]!;
            configNode["digest"] = configDescriptor.Digest.ToString();
            configNode["size"] = configDescriptor.Size;
            var manifest = OciJson.Serialize(manifestJson);
            var manifestDescriptor = new Descriptor(source.ManifestDescriptor.MediaType, Digest.Of(manifest), manifest.Length);

            var blobs = new List<LayoutBlob>();
            blobs.Add(new LayoutBlob(configDescriptor, () => new MemoryStream(config, writable: false)));
            blobs.Add(new LayoutBlob(manifestDescriptor, () => new MemoryStream(manifest, writable: false)));
            for (var i = 0; i < layers.Count; i++)
            {
                var content = i == 0 && dependencies is not null ? dependencies.Content : layers[i].Content;
                blobs.Add(new LayoutBlob(descriptors[i], () => new BoundedReadStream(content, 0, content.Length, ownsInner: false)));
            }

            var index = ImageLayoutWriter.SingleImageIndex(manifestDescriptor);
            // The base layers stay where they are: the normalizer reads them from the source archive.
            ImageLayoutWriter.WriteLayout(intermediateArchive, blobs, index, 0, cancellationToken);
            return OciArchive.OpenOver(intermediateArchive, source);
        }
        finally
        {
            layers.ForEach(l => l.Content.Dispose());
            dependencies?.Dispose();
        }
    }

    /// <summary>
    /// The dependencies layer rewritten with <see cref="DependenciesEpoch"/> by the normalizer's own
    /// <see cref="LayerRewriter"/>, which reads layers from an archive: a small one holding just this
    /// layer is written for it (not the base layers).
    /// </summary>
    private static RewrittenLayer RewriteDependencies(LayerOutput layer, Descriptor descriptor, string scratchArchive, GzipMemberCache? cache, CancellationToken cancellationToken)
    {
        var config = OciJson.Serialize(new JsonObject
        {
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layer.DiffId!.ToString()) },
        });
        var configDescriptor = new Descriptor(OciMediaTypes.ImageConfig, Digest.Of(config), config.Length);
        var manifest = OciJson.Serialize(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageManifest,
            ["config"] = new JsonObject { ["mediaType"] = configDescriptor.MediaType, ["digest"] = configDescriptor.Digest.ToString(), ["size"] = configDescriptor.Size },
            ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = descriptor.MediaType, ["digest"] = descriptor.Digest.ToString(), ["size"] = descriptor.Size }),
        });
        var manifestDescriptor = new Descriptor(OciMediaTypes.ImageManifest, Digest.Of(manifest), manifest.Length);
        var blobs = new List<LayoutBlob>();
        blobs.Add(new LayoutBlob(configDescriptor, () => new MemoryStream(config, writable: false)));
        blobs.Add(new LayoutBlob(manifestDescriptor, () => new MemoryStream(manifest, writable: false)));
        blobs.Add(new LayoutBlob(descriptor, () => new BoundedReadStream(layer.Content, 0, layer.Content.Length, ownsInner: false)));
        var index = ImageLayoutWriter.SingleImageIndex(manifestDescriptor);
        ImageLayoutWriter.WriteLayout(scratchArchive, blobs, index, 0, cancellationToken);
        try
        {
            return LayerRewriter.Rewrite(OciArchive.Open(scratchArchive), descriptor, layer.DiffId, DependenciesEpoch, cache, cancellationToken);
        }
        finally
        {
            File.Delete(scratchArchive);
        }
    }

    private sealed class LayerOutput
    {
        public FileStream Content { get; } = LayerRewriter.CreateTempFile();

        public Digest? Digest { get; set; }

        public Digest? DiffId { get; set; }

        public long Size { get; set; }
    }

    private sealed record Entry(string Name, TarEntryType Type, long Offset, long Length);

    /// <summary>The app folder as the SDK set it (ContainerWorkingDirectory) as a tar path prefix, <c>app/</c>: the publish folder's files are below it.</summary>
    internal static string AppPrefix(JsonObject config) =>
        (OciJson.GetString((config["config"] as JsonObject)?["WorkingDir"]) ?? "/app/").Replace('\\', '/').Trim('/') + "/";

    /// <summary>A layer entry's path below <paramref name="prefix"/> (<see cref="AppPrefix"/>), or null when it is not below it.</summary>
    internal static string? Relative(string name, string prefix)
    {
        var path = name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name.TrimStart('/');
        return path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..].TrimEnd('/') : null;
    }

    private static List<Entry> ReadEntries(FileStream spool)
    {
        spool.Position = 0;
        var entries = new List<Entry>();
        using var reader = new TarReader(spool, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            entries.Add(new Entry(entry.Name, entry.EntryType, entry.DataOffset, entry.Length));
        }

        return entries;
    }

    private static JsonObject? ReadJson(FileStream spool, Entry entry)
    {
        var bytes = new byte[entry.Length];
        spool.Position = entry.Offset;
        spool.ReadExactly(bytes);
        return OciJson.TryParseObject(bytes);
    }

    /// <summary>Each entry's layers (indexes into the plan): one for a file, every layer with files below it for a directory.</summary>
    private static Dictionary<Entry, HashSet<int>> Assign(List<Entry> entries, LayerPlan plan, string prefix)
    {
        var app = plan.Layers.Count - 1;
        var assignment = new Dictionary<Entry, HashSet<int>>();
        foreach (var entry in entries.Where(e => e.Type != TarEntryType.Directory))
        {
            // Hard links and anything outside the app folder stay with the app's own files.
            var relative = entry.Type == TarEntryType.HardLink ? null : Relative(entry.Name, prefix);
            assignment[entry] = [relative is { Length: > 0 } ? plan.LayerOf(relative) : app];
        }

        foreach (var directory in entries.Where(e => e.Type == TarEntryType.Directory))
        {
            var path = directory.Name.TrimEnd('/') + "/";
            var below = assignment.Where(a => a.Key.Name.StartsWith(path, StringComparison.Ordinal)).SelectMany(a => a.Value).ToHashSet();
            assignment[directory] = below.Count > 0 ? below : [app];
        }

        return assignment;
    }

    /// <summary>One pass over the app layer's entries, in their order, each written to its layers' tars.</summary>
    private static void WriteLayers(FileStream spool, Dictionary<Entry, HashSet<int>> assignment, List<int> used, List<LayerOutput> layers, CancellationToken cancellationToken)
    {
        var compressed = layers.Select(l => new HashingWriteStream(l.Content)).ToList();
        // Fastest: the normalizer recompresses these layers anyway.
        var gzips = compressed.Select(c => new GZipStream(c, CompressionLevel.Fastest, leaveOpen: true)).ToList();
        var uncompressed = gzips.Select(g => new HashingWriteStream(g)).ToList();
        var writers = uncompressed.Select(u => new TarWriter(u, leaveOpen: true)).ToList();
        var byName = assignment.Keys.ToLookup(e => e.Name);
        spool.Position = 0;
        using (var reader = new TarReader(spool, leaveOpen: true))
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var occurrence = seen[entry.Name] = seen.GetValueOrDefault(entry.Name) + 1;
                var key = byName[entry.Name].Skip(occurrence - 1).First();
                foreach (var layer in assignment[key].Order())
                {
                    writers[used.IndexOf(layer)].WriteEntry(entry);
                }
            }
        }

        for (var i = 0; i < layers.Count; i++)
        {
            writers[i].Dispose();
            layers[i].DiffId = uncompressed[i].GetDigest();
            gzips[i].Dispose();
            layers[i].Digest = compressed[i].GetDigest();
            layers[i].Size = compressed[i].BytesWritten;
            layers[i].Content.Position = 0;
        }
    }

    /// <summary>diff_ids and history: the app layer's entries become one per new layer, named in the history comment.</summary>
    private static JsonObject SplitConfig(JsonObject original, List<Digest> diffIds, List<string> names, bool ownDependencies)
    {
        var config = (JsonObject)original.DeepClone();
        var ids = (JsonArray)((JsonObject)config["rootfs"]!)["diff_ids"]!;
        ids.RemoveAt(ids.Count - 1);
        diffIds.ForEach(d => ids.Add(d.ToString()));
        if (config["history"] is JsonArray history)
        {
            var last = history.Select((h, i) => (h, i)).Last(x => !(x.h?["empty_layer"] is JsonValue v && v.TryGetValue<bool>(out var e) && e));
            history.RemoveAt(last.i);
            for (var i = 0; i < names.Count; i++)
            {
                var entry = (JsonObject)last.h!.DeepClone();
                entry["comment"] = $"Drydock layer: {names[i]}";
                if (i == 0 && ownDependencies)
                {
                    // Not the SDK's: the normalizer keeps it as it is (already rewritten with DependenciesEpoch).
                    entry["author"] = OwnAuthor;
                }

                history.Insert(last.i + i, entry);
            }
        }

        return config;
    }
}

/// <summary>
/// <see cref="LayerSplitter.Split"/>'s result: the image to normalize, and when it was not split its app layer
/// as read to decide (the normalizer takes it over and disposes it), else null.
/// </summary>
internal sealed record SplitImage(OciArchive Archive, SpooledLayer? AppLayer);
