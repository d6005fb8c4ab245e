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
    /// <param name="names">The image's local names (<c>repository:tag</c>), primary first: index.json's <c>ref.name</c> is the first, manifest.json's <c>RepoTags</c> all of them.</param>
    public static bool Write(
        string outputArchive,
        Descriptor manifest,
        JsonObject config,
        Descriptor configDescriptor,
        IReadOnlyList<Descriptor> layers,
        IEnumerable<LayoutBlob> blobs,
        IReadOnlyList<string> names,
        long epochSeconds,
        CancellationToken cancellationToken)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["index.json"] = OciJson.Serialize(CreateIndex(manifest, config, names[0])),
            ["manifest.json"] = OciJson.Serialize(CreateDockerManifest(configDescriptor, layers, names)),
        };
        return WriteTar(outputArchive, blobs, files, epochSeconds, cancellationToken);
    }

    /// <summary>
    /// Writes a plain OCI layout with the given <c>index.json</c> (an image index of several platforms, or an
    /// intermediate image nobody loads), with the same guarantees as <see cref="Write(string, Descriptor, JsonObject, Descriptor, IReadOnlyList{Descriptor}, IEnumerable{LayoutBlob}, IReadOnlyList{string}, long, CancellationToken)"/>.
    /// No <c>manifest.json</c>: docker-archive cannot describe an index.
    /// </summary>
    public static bool WriteLayout(string outputArchive, IEnumerable<LayoutBlob> blobs, byte[] index, long epochSeconds, CancellationToken cancellationToken) =>
        WriteTar(outputArchive, blobs, new SortedDictionary<string, byte[]>(StringComparer.Ordinal) { ["index.json"] = index }, epochSeconds, cancellationToken);

    private static bool WriteTar(string outputArchive, IEnumerable<LayoutBlob> blobs, SortedDictionary<string, byte[]> files, long epochSeconds, CancellationToken cancellationToken)
    {
        var sortedBlobs = new SortedDictionary<string, LayoutBlob>(StringComparer.Ordinal);
        foreach (var blob in blobs)
        {
            sortedBlobs.TryAdd(BlobDirectory + blob.Descriptor.Digest.Hex, blob);
        }

        files["oci-layout"] = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();
        if (SameContent(outputArchive, sortedBlobs, files))
        {
            return false;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(outputArchive))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(outputArchive)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920))
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
    /// Whether <paramref name="outputArchive"/> already holds exactly these entries: the same blob names (each
    /// named by its digest, so the same name is the same content) with the same sizes, and the same small files
    /// byte for byte. Then the tar is the one this writer would write, and nothing is read or written: a
    /// rebuild that yields the same image costs no copy. An unreadable output is rewritten.
    /// </summary>
    private static bool SameContent(string outputArchive, SortedDictionary<string, LayoutBlob> blobs, SortedDictionary<string, byte[]> files)
    {
        if (!File.Exists(outputArchive))
        {
            return false;
        }

        try
        {
            using var stream = File.OpenRead(outputArchive);
            using var reader = new TarReader(stream);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (entry.EntryType != TarEntryType.RegularFile || !seen.Add(entry.Name))
                {
                    return false;
                }

                if (blobs.TryGetValue(entry.Name, out var blob))
                {
                    if (entry.Length != blob.Descriptor.Size)
                    {
                        return false;
                    }
                }
                else if (!files.TryGetValue(entry.Name, out var bytes) || entry.Length != bytes.Length || !SameBytes(entry.DataStream, bytes))
                {
                    return false;
                }
            }

            return seen.Count == blobs.Count + files.Count;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or IOException)
        {
            return false;
        }
    }

    private static bool SameBytes(Stream? data, byte[] expected)
    {
        if (data is null)
        {
            return expected.Length == 0;
        }

        var actual = new byte[expected.Length];
        data.ReadExactly(actual);
        return actual.AsSpan().SequenceEqual(expected);
    }
}
