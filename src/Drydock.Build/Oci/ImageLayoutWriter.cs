using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Drydock.Build.Oci;

/// <summary>A blob to store in the layout: its descriptor and a way to read its bytes (read once, when written).</summary>
internal sealed record LayoutBlob(Descriptor Descriptor, Func<Stream> Open);

/// <summary>
/// Writes one image as a tar that every engine loads: an OCI image layout
/// (https://github.com/opencontainers/image-spec/blob/main/image-layout.md: <c>oci-layout</c>,
/// <c>index.json</c>, <c>blobs/sha256/…</c>) that also carries the docker-archive <c>manifest.json</c>
/// pointing at the same blobs, as <c>docker save</c> writes it since Engine 25. Engines before 25 load
/// only the docker-archive part; podman, skopeo and newer engines read the OCI part. Both describe the
/// same config blob, so the image id is the config digest whichever part an engine reads, and the
/// manifest digest is the one that is pushed. The tar's bytes depend only on its content: entries
/// sorted by name, mtime = the epoch, uid/gid 0.
/// </summary>
internal static class ImageLayoutWriter
{
    private const string BlobDirectory = "blobs/sha256/";
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>
    /// Writes the layout next to <paramref name="outputArchive"/> and renames it into place, so the output is
    /// either the old file or the complete new one. An existing output with the same entries (blobs by digest
    /// and size, the small files byte for byte) is kept as is, timestamp included, without writing anything, so
    /// MSBuild's incremental checks see it unchanged. Returns whether the output was (re)written.
    /// </summary>
    /// <param name="names">The image's local names (<c>repository:tag</c>), primary first: index.json's <c>ref.name</c> is the first, manifest.json's <c>RepoTags</c> all of them; none for an image loaded by id (another platform of an index).</param>
    public static bool Write(
        string outputArchive,
        Descriptor manifest,
        JsonObject config,
        Descriptor configDescriptor,
        IReadOnlyList<Descriptor> layers,
        IEnumerable<LayoutBlob> blobs,
        IReadOnlyList<string> names,
        long epochSeconds,
        CancellationToken cancellationToken,
        bool keepSpare = false)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["index.json"] = OciJson.Serialize(CreateIndex(manifest, config, names.Count > 0 ? names[0] : null)),
            ["manifest.json"] = OciJson.Serialize(CreateDockerManifest(configDescriptor, layers, names)),
        };
        return WriteTar(outputArchive, blobs, files, epochSeconds, keepSpare, cancellationToken);
    }

    /// <summary>
    /// Writes a plain OCI layout with the given <c>index.json</c> (an image index of several platforms, or an
    /// intermediate image nobody loads), with the same guarantees as <see cref="Write(string, Descriptor, JsonObject, Descriptor, IReadOnlyList{Descriptor}, IEnumerable{LayoutBlob}, IReadOnlyList{string}, long, CancellationToken)"/>.
    /// No <c>manifest.json</c>: docker-archive cannot describe an index.
    /// </summary>
    public static bool WriteLayout(string outputArchive, IEnumerable<LayoutBlob> blobs, byte[] index, long epochSeconds, CancellationToken cancellationToken, bool keepSpare = false) =>
        WriteTar(outputArchive, blobs, new SortedDictionary<string, byte[]>(StringComparer.Ordinal) { ["index.json"] = index }, epochSeconds, keepSpare, cancellationToken);

    /// <summary>The <c>index.json</c> of a layout holding one image that nobody loads (the intermediate archives of a publish).</summary>
    public static byte[] SingleImageIndex(Descriptor manifest) => OciJson.Serialize(new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = OciMediaTypes.ImageIndex,
        ["manifests"] = new JsonArray(new JsonObject
        {
            ["mediaType"] = manifest.MediaType,
            ["digest"] = manifest.Digest.ToString(),
            ["size"] = manifest.Size,
        }),
    });

    /// <summary>
    /// Where the archive before the last one at <paramref name="outputArchive"/> is kept (<c>.image.tar.spare</c>) when written
    /// with <c>keepSpare</c>: the next archive is written over its bytes and the current one becomes the spare. On this
    /// project's ext4 machines writing 57 MB into a new file took 135 ms, over an existing file's bytes 7 ms (the
    /// allocation, not the copy, is what costs), and every publish rewrites the base layers; the price is one more archive on disk.
    /// </summary>
    public static string SparePath(string outputArchive) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outputArchive))!, $".{Path.GetFileName(outputArchive)}.spare");

    private static bool WriteTar(string outputArchive, IEnumerable<LayoutBlob> blobs, SortedDictionary<string, byte[]> files, long epochSeconds, bool keepSpare, CancellationToken cancellationToken)
    {
        var sortedBlobs = new SortedDictionary<string, LayoutBlob>(StringComparer.Ordinal);
        foreach (var blob in blobs)
        {
            sortedBlobs.TryAdd(BlobDirectory + blob.Descriptor.Digest.Hex, blob);
        }

        files["oci-layout"] = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();
        if (HoldsLayout(outputArchive, sortedBlobs, files, epochSeconds))
        {
            return false;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(outputArchive))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(outputArchive)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        var spare = keepSpare ? SparePath(outputArchive) : null;
        try
        {
            if (spare is not null && File.Exists(spare))
            {
                File.Move(spare, temp);
            }

            using (var stream = new FileStream(temp, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 81920))
            {
                // Entries sorted by name: blobs/sha256/…, index.json, manifest.json, oci-layout.
                var writer = new ReproducibleTarWriter(stream, epochSeconds);
                const UnixFileMode FileMode = (UnixFileMode)0b110_100_100;
                foreach (var (name, blob) in sortedBlobs)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var data = blob.Open();
                    writer.Write(new TarItem(TarEntryType.RegularFile, name, FileMode, blob.Descriptor.Size), data);
                }

                foreach (var (name, bytes) in files)
                {
                    writer.Write(new TarItem(TarEntryType.RegularFile, name, FileMode, bytes.Length), new MemoryStream(bytes));
                }

                writer.Finish();
                stream.SetLength(stream.Position);
            }

            if (spare is not null && File.Exists(outputArchive))
            {
                File.Move(outputArchive, spare, overwrite: true);
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

    /// <summary>
    /// One entry, tagged with ref.name only (image-layout.md, index.json). The SDK's io.containerd.image.name
    /// is left out: the loader tags the image itself. The platform comes from the config, so a loader can
    /// check it without reading the config.
    /// </summary>
    private static JsonObject CreateIndex(Descriptor manifest, JsonObject config, string? refName)
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

        if (refName is not null)
        {
            entry["annotations"] = new JsonObject { [RefNameAnnotation] = refName };
        }

        return new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageIndex,
            ["manifests"] = new JsonArray(entry),
        };
    }

    /// <summary>
    /// The docker-archive manifest (moby's image/spec, "v1.2" save format): one image, its config and layer
    /// files by path in this tar, base layer first, and the names to tag it with on load. Docker reads the
    /// layer files with automatic decompression, so the gzip blobs serve as they are.
    /// </summary>
    private static JsonArray CreateDockerManifest(Descriptor config, IReadOnlyList<Descriptor> layers, IReadOnlyList<string> names) =>
    [
        new JsonObject
        {
            ["Config"] = BlobDirectory + config.Digest.Hex,
            ["RepoTags"] = new JsonArray(names.Select(name => (JsonNode?)name).ToArray()),
            ["Layers"] = new JsonArray(layers.Select(layer => (JsonNode?)(BlobDirectory + layer.Digest.Hex)).ToArray()),
        },
    ];

    /// <summary>
    /// A copy of the layout tar <paramref name="archive"/> without the blobs of <paramref name="leftOut"/>: what
    /// a podman that already stores those layers needs to load the image (it reuses a layer it has by digest
    /// and never opens that blob; https://github.com/containers/image, copy's TryReusingBlob). Not a
    /// valid layout on its own: only for that load.
    /// </summary>
    /// <param name="nameless">Also without the image's names (index.json's <c>ref.name</c>, manifest.json's <c>RepoTags</c>):
    /// the engine then loads the image by id only, and names it when told to (after its tests passed).</param>
    public static void CopyWithout(string archive, string output, IReadOnlyCollection<Digest> leftOut, bool nameless = false)
    {
        var names = leftOut.Select(digest => BlobDirectory + digest.Hex).ToHashSet(StringComparer.Ordinal);
        using var source = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
        using var reader = new TarReader(source);
        using var target = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 81920);
        using var writer = new TarWriter(target, TarEntryFormat.Ustar);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            if (names.Contains(entry.Name))
            {
                continue;
            }

            if (nameless && entry.Name is "index.json" or "manifest.json" && entry.DataStream is { } data)
            {
                var json = JsonNode.Parse(data) ?? throw new InvalidDataException($"{archive}: {entry.Name} is empty.");
                var unnamed = new UstarTarEntry(TarEntryType.RegularFile, entry.Name)
                {
                    ModificationTime = entry.ModificationTime,
                    Mode = entry.Mode,
                    DataStream = new MemoryStream(OciJson.Serialize(WithoutNames(json))),
                };
                writer.WriteEntry(unnamed);
                continue;
            }

            writer.WriteEntry(entry);
        }
    }

    /// <summary>index.json's entries without <c>ref.name</c>, or manifest.json's without <c>RepoTags</c>.</summary>
    private static JsonNode WithoutNames(JsonNode json)
    {
        var entries = json is JsonArray array ? array : json["manifests"] as JsonArray ?? [];
        foreach (var entry in entries.OfType<JsonObject>())
        {
            if (entry["annotations"] is JsonObject annotations)
            {
                annotations.Remove(RefNameAnnotation);
            }

            if (entry.ContainsKey("RepoTags"))
            {
                entry["RepoTags"] = new JsonArray();
            }
        }

        return json;
    }

    /// <summary>
    /// Whether <paramref name="archive"/> already is the tar this writer would write: the same entries (names,
    /// sizes, mtime) in the same order and the same small files. Blobs are named by their digest, and every
    /// header byte follows from name, size and epoch, so that is the same bytes, found without reading a
    /// layer (comparing byte for byte read the base layers twice on every publish).
    /// </summary>
    private static bool HoldsLayout(string archive, SortedDictionary<string, LayoutBlob> blobs, SortedDictionary<string, byte[]> files, long epochSeconds)
    {
        if (!File.Exists(archive))
        {
            return false;
        }

        var expected = blobs.Select(b => (Name: b.Key, b.Value.Descriptor.Size)).Concat(files.Select(f => (Name: f.Key, Size: (long)f.Value.Length)));
        try
        {
            using var stream = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            using var reader = new TarReader(stream);
            foreach (var (name, size) in expected)
            {
                if (reader.GetNextEntry(copyData: false) is not { } entry || entry.EntryType != TarEntryType.RegularFile
                    || entry.Name != name || entry.Length != size || entry.ModificationTime.ToUnixTimeSeconds() != epochSeconds)
                {
                    return false;
                }

                if (files.TryGetValue(name, out var bytes))
                {
                    using var data = new MemoryStream();
                    entry.DataStream?.CopyTo(data);
                    if (!data.ToArray().AsSpan().SequenceEqual(bytes))
                    {
                        return false;
                    }
                }
            }

            return reader.GetNextEntry(copyData: false) is null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            return false; // Unreadable: write it again.
        }
    }
}
