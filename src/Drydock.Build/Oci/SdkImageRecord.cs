using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Drydock.Build.Policy;

namespace Drydock.Build.Oci;

/// <summary>
/// What the SDK's <c>CreateNewImage</c> made in the last publish that ran it, kept (<c>obj/…/drydock/sdk-image.json</c>)
/// so that a publish whose only change is the content of the app's files makes the same image without it.
/// The SDK's image is its base image's layers, one app layer that holds the publish folder below the
/// working directory (every file, under a fixed mode and owner), and a config from the container
/// properties. So when those properties are the same (<see cref="Key"/>: every <c>CreateNewImage</c> input
/// but the tags and the label and environment values, which the normalizer sets anyway) and the publish
/// folder holds the same files by name, the SDK would write the same entries with other data: those are
/// written again here from the publish folder, and the base layers are read from the last normalized
/// archive, which this record names by its manifest digest. The base image's tag is not resolved again:
/// as <c>podman build</c> and <c>docker build</c> keep the base they have, until the SDK runs again
/// (a change of any input, a clean obj/, or <c>DrydockReuseSdkImage=false</c>).
/// </summary>
internal sealed class SdkImageRecord
{
    private const int FormatVersion = 1;

    private SdkImageRecord(string key, Digest image, string prefix, JsonObject manifest, JsonObject config, IReadOnlyList<TarItem> entries)
    {
        Key = key;
        Image = image;
        Prefix = prefix;
        Manifest = manifest;
        Config = config;
        Entries = entries;
    }

    /// <summary>This record, naming the archive <paramref name="image"/> was written to.</summary>
    public SdkImageRecord WithImage(Digest image) => new(Key, image, Prefix, Manifest, Config, Entries);

    /// <summary>SHA-256 (hex) of the SDK's inputs, one line each.</summary>
    public string Key { get; }

    /// <summary>The manifest digest of the normalized image whose archive holds the base layers.</summary>
    public Digest Image { get; }

    /// <summary>The working directory as a tar path prefix (<c>app/</c>): an app file's entry is the prefix and its path in the publish folder.</summary>
    public string Prefix { get; }

    /// <summary>The SDK's manifest and config, as it wrote them.</summary>
    public JsonObject Manifest { get; }

    public JsonObject Config { get; }

    /// <summary>The SDK's app layer's entries, in its order; sizes are 0 (the data is read again).</summary>
    public IReadOnlyList<TarItem> Entries { get; }

    /// <summary>The key of <paramref name="inputs"/>: a change of any line, or of their order, is another key.</summary>
    public static string KeyOf(IEnumerable<string> inputs) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', inputs))));

    /// <summary>
    /// The record of <paramref name="sdk"/> (an SDK image with one app layer, <paramref name="appEntries"/> its entries)
    /// normalized into <paramref name="image"/>; null when the layer holds anything the SDK does not write from
    /// a publish folder (links, attributes, files outside the working directory), which a record cannot rebuild.
    /// </summary>
    public static SdkImageRecord? Create(string key, Digest image, OciArchive sdk, IEnumerable<TarItem> appEntries)
    {
        var prefix = LayerSplitter.AppPrefix(sdk.Config);
        var entries = new List<TarItem>();
        foreach (var item in appEntries)
        {
            var rebuildable = item.Attributes is null && item.Type switch
            {
                TarEntryType.Directory => true,
                TarEntryType.RegularFile or TarEntryType.V7RegularFile => LayerSplitter.Relative(item.Name, prefix) is { Length: > 0 },
                _ => false,
            };
            if (!rebuildable)
            {
                return null;
            }

            entries.Add(item with { Size = 0 });
        }

        return new SdkImageRecord(key, image, prefix, sdk.Manifest, sdk.Config, entries);
    }

    public void Write(string path) => JsonCacheFile.Write(
        path,
        new SdkImageRecordFile(FormatVersion, Key, Image.ToString(), Prefix, Manifest, Config, [.. Entries.Select(e => new RecordedEntry(e.Name, e.Type, e.Mode, e.Uid, e.Gid))]),
        SdkImageRecordJson.Default.SdkImageRecordFile);

    /// <summary>The record at <paramref name="path"/>; null when there is none, or it is not one this version reads.</summary>
    public static SdkImageRecord? Read(string path) =>
        JsonCacheFile.TryRead(path, SdkImageRecordJson.Default.SdkImageRecordFile) is { FormatVersion: FormatVersion, Key: { } key, Prefix: { } prefix, Manifest: { } manifest, Config: { } config, Entries: { } entries } file
            && Digest.TryParse(file.Image, out var image)
            && entries.All(e => e?.Name is not null)
            ? new SdkImageRecord(key, image, prefix, manifest, config, [.. entries.Select(e => new TarItem(e!.Type, e.Name, e.Mode, 0, Uid: e.Uid, Gid: e.Gid))])
            : null;

    /// <summary>
    /// Why this record cannot stand in for the SDK now, or null when it can: another <paramref name="key"/>,
    /// <paramref name="archive"/> is not the image it names, or the publish folder holds other files by name.
    /// </summary>
    public string? Mismatch(string key, string archive, string publishDirectory)
    {
        if (!string.Equals(key, Key, StringComparison.Ordinal))
        {
            return "the container properties changed";
        }

        if (!File.Exists(archive) || !Image.Equals(TryReadManifestDigest(archive)))
        {
            return "the last image archive is not the one it was made into";
        }

        var recorded = Entries.Where(e => e.Type != TarEntryType.Directory).Select(e => LayerSplitter.Relative(e.Name, Prefix)).ToHashSet(StringComparer.Ordinal);
        var published = Directory.Exists(publishDirectory)
            ? Directory.EnumerateFiles(publishDirectory, "*", SearchOption.AllDirectories)
                .Select(file => Path.GetRelativePath(publishDirectory, file).Replace(Path.DirectorySeparatorChar, '/'))
                .ToList()
            : [];
        return published.Count == recorded.Count && published.All(recorded.Contains)
            ? null
            : "files were added to or removed from the publish folder";
    }

    /// <summary>
    /// The SDK's image again, for <see cref="LayerSplitter"/> and <see cref="ImageNormalizer"/>: its app layer
    /// spooled from <paramref name="publishDirectory"/>, and an archive (written to <paramref name="thinArchive"/>)
    /// with the SDK's manifest and config whose base layers are read from <paramref name="baseArchive"/>. That
    /// archive's app layer blob is an empty stand-in: the spooled layer is its content.
    /// </summary>
    public SplitImage Rebuild(string publishDirectory, string thinArchive, string baseArchive, CancellationToken cancellationToken)
    {
        var spool = LayerRewriter.CreateTempFile();
        try
        {
            var hashing = new HashingWriteStream(spool);
            var writer = new ReproducibleTarWriter(hashing, 0);
            var spooled = new List<(TarItem Item, long Offset)>(Entries.Count);
            foreach (var entry in Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (entry.Type == TarEntryType.Directory)
                {
                    writer.Write(entry, null);
                    spooled.Add((entry, hashing.BytesWritten));
                    continue;
                }

                using var data = new FileStream(Path.Combine(publishDirectory, LayerSplitter.Relative(entry.Name, Prefix)!), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);
                var item = entry with { Size = data.Length };
                writer.Write(item, data);
                // The data ends where the written bytes end, less its padding to a 512-byte block.
                spooled.Add((item, hashing.BytesWritten - ((item.Size + 511) / 512 * 512)));
            }

            writer.Finish();
            var diffId = hashing.GetDigest();
            spool.Flush();

            var config = (JsonObject)Config.DeepClone();
            var diffIds = (JsonArray)((JsonObject)config["rootfs"]!)["diff_ids"]!;
            diffIds[^1] = diffId.ToString();
            var configBytes = OciJson.Serialize(config);
            var configDescriptor = new Descriptor(OciJson.GetString(Manifest["config"]!["mediaType"])!, Digest.Of(configBytes), configBytes.Length);
            var standIn = new Descriptor(OciJson.GetString(((JsonArray)Manifest["layers"]!)[^1]!["mediaType"])!, Digest.Of([]), 0);
            var manifest = (JsonObject)Manifest.DeepClone();
            // In place: the normalizer keeps the order of the SDK's descriptor fields, and so must this manifest.
            SetDescriptor((JsonObject)manifest["config"]!, configDescriptor);
            SetDescriptor((JsonObject)((JsonArray)manifest["layers"]!)[^1]!, standIn);
            var manifestBytes = OciJson.Serialize(manifest);
            var manifestDescriptor = new Descriptor(OciMediaTypes.ImageManifest, Digest.Of(manifestBytes), manifestBytes.Length);
            LayoutBlob[] blobs =
            [
                new(configDescriptor, () => new MemoryStream(configBytes, writable: false)),
                new(manifestDescriptor, () => new MemoryStream(manifestBytes, writable: false)),
                new(standIn, () => new MemoryStream([], writable: false)),
            ];
            ImageLayoutWriter.WriteLayout(thinArchive, blobs, ImageLayoutWriter.SingleImageIndex(manifestDescriptor), 0, cancellationToken);
            spool.Position = 0;
            return new SplitImage(OciArchive.OpenOverOwn(thinArchive, OciArchive.Open(baseArchive)), new SpooledLayer(spool, spooled));
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    private static void SetDescriptor(JsonObject json, Descriptor descriptor)
    {
        json["digest"] = descriptor.Digest.ToString();
        json["size"] = descriptor.Size;
    }

    private static Digest? TryReadManifestDigest(string archive)
    {
        try
        {
            return OciArchive.Open(archive).ManifestDescriptor.Digest;
        }
        catch (Exception e) when (e is Diagnostics.DrydockException or IOException)
        {
            return null;
        }
    }
}

/// <summary>sdk-image.json as it is stored.</summary>
internal sealed record SdkImageRecordFile(int FormatVersion, string? Key, string? Image, string? Prefix, JsonObject? Manifest, JsonObject? Config, List<RecordedEntry?>? Entries);

/// <summary>One app layer entry of the SDK's: no size, no data.</summary>
internal sealed record RecordedEntry(string Name, TarEntryType Type, UnixFileMode Mode, int Uid, int Gid);

[JsonSerializable(typeof(SdkImageRecordFile))]
internal sealed partial class SdkImageRecordJson : JsonSerializerContext;
