using System.Formats.Tar;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci;

/// <summary>
/// A single-image OCI image layout (https://github.com/opencontainers/image-spec/blob/main/image-layout.md)
/// stored as an uncompressed tar, as <c>dotnet publish -t:PublishContainer -p:ContainerImageFormat=OCI</c>
/// writes it. Opening reads only the tar headers, <c>oci-layout</c>, <c>index.json</c>, the manifest
/// and the config (digests verified); layers stay in the tar and are streamed from it on demand.
/// </summary>
public sealed partial class OciArchive
{
    private const string BlobDirectory = "blobs/sha256/";

    /// <summary>Manifests and configs are small; a bigger one is not an image the SDK wrote.</summary>
    private const long MaxJsonBlobSize = 4 * 1024 * 1024;

    private readonly Dictionary<string, (long Offset, long Length)> files;

    /// <summary>Where blobs this tar does not hold are read from (<see cref="OpenOver"/>); null: none.</summary>
    private readonly OciArchive? blobSource;

    /// <summary>The blob source is an archive Drydock wrote itself (<see cref="OpenOverOwn"/>).</summary>
    private readonly bool trustsBlobSource;

    private OciArchive(string path, Dictionary<string, (long Offset, long Length)> files, Descriptor? manifest = null, OciArchive? blobSource = null, bool trustsBlobSource = false)
    {
        Path = path;
        this.files = files;
        this.blobSource = blobSource;
        this.trustsBlobSource = trustsBlobSource;
        ManifestDescriptor = manifest ?? SelectManifest(ReadJson("index.json"));
        Manifest = ReadJsonBlob(ManifestDescriptor, "manifest");
        if (Manifest["mediaType"] is { } manifestType && OciJson.GetString(manifestType) != OciMediaTypes.ImageManifest)
        {
            throw Invalid(path, $"the manifest has media type '{manifestType}', expected {OciMediaTypes.ImageManifest}");
        }

        ConfigDescriptor = ReadDescriptor(Manifest["config"], "the manifest's config");
        Layers = Manifest["layers"] is JsonArray layers
            ? layers.Select((layer, i) => ReadDescriptor(layer, $"the manifest's layer {i}")).ToList()
            : throw Invalid(path, "the manifest has no layers array");
        foreach (var layer in Layers)
        {
            CheckBlobPresent(layer);
        }

        Config = ReadJsonBlob(ConfigDescriptor, "config");
        DiffIds = ReadDiffIds(Config);
    }

    /// <summary>The archive's path, as given to <see cref="Open"/>; every diagnostic names it.</summary>
    public string Path { get; }

    /// <summary>The one image manifest <c>index.json</c> points at.</summary>
    public Descriptor ManifestDescriptor { get; }

    /// <summary>The manifest (https://github.com/opencontainers/image-spec/blob/main/manifest.md), digest verified. A copy: changing it changes nothing on disk.</summary>
    public JsonObject Manifest { get; }

    public Descriptor ConfigDescriptor { get; }

    /// <summary>The image config (https://github.com/opencontainers/image-spec/blob/main/config.md), digest verified. A copy: changing it changes nothing on disk.</summary>
    public JsonObject Config { get; }

    /// <summary>The manifest's layers, base image first. Each blob is present with the right size; digests are checked when read.</summary>
    public IReadOnlyList<Descriptor> Layers { get; }

    /// <summary>The config's <c>rootfs.diff_ids</c>: one per layer, the digest of its uncompressed tar.</summary>
    public IReadOnlyList<Digest> DiffIds { get; }

    /// <summary>The manifest, config and layer sizes added up: what a registry stores for the image.</summary>
    public long TotalSize => ManifestDescriptor.Size + ConfigDescriptor.Size + Layers.Sum(layer => layer.Size);

    /// <summary>Reads the archive's structure. Throws DRY3001 when the file is missing, DRY3002 when it is not a valid image.</summary>
    public static OciArchive Open(string path)
    {
        if (!File.Exists(path))
        {
            throw Missing(path);
        }

        return new OciArchive(path, IndexTar(path));
    }

    private static DrydockException Missing(string path) => new(
        KnownCodes.ImageArchiveMissing,
        $"The image archive '{path}' does not exist. The SDK's container build should have written it; check the PublishContainer output above.");

    /// <summary>
    /// A single-image layout at <paramref name="path"/> whose blobs may also live in <paramref name="blobSource"/>:
    /// an intermediate image (the layer split's) that holds only what it changed, not another copy of the base layers.
    /// </summary>
    internal static OciArchive OpenOver(string path, OciArchive blobSource) => new(path, IndexTar(Exists(path)), blobSource: blobSource);

    /// <summary>
    /// As <see cref="OpenOver(string, OciArchive)"/>, over an archive Drydock wrote itself (the last normalized image,
    /// <see cref="SdkImageRecord"/>): its blobs were checked against their digests when they were written, so they
    /// are not hashed again on every publish (57 MB of base layers took 30 ms). A blob changed on disk since is still
    /// caught: a registry checks every blob it is sent, an engine every blob it loads.
    /// </summary>
    internal static OciArchive OpenOverOwn(string path, OciArchive blobSource) => new(path, IndexTar(Exists(path)), blobSource: blobSource, trustsBlobSource: true);

    public bool HasBlob(Digest digest) => files.ContainsKey(BlobDirectory + digest.Hex) || blobSource?.HasBlob(digest) == true;

    /// <summary>The blob's bytes as stored, unverified. Throws DRY3002 when the archive has no such blob.</summary>
    public Stream OpenBlob(Digest digest)
    {
        if (files.TryGetValue(BlobDirectory + digest.Hex, out var file))
        {
            return new BoundedReadStream(File.OpenRead(Path), file.Offset, file.Length);
        }

        return blobSource?.HasBlob(digest) == true ? blobSource.OpenBlob(digest) : throw Invalid(Path, $"blob {digest} is missing");
    }

    /// <summary>The stored size of a blob, or null when the archive has no such blob.</summary>
    private long? BlobLength(Digest digest) =>
        files.TryGetValue(BlobDirectory + digest.Hex, out var file) ? file.Length : blobSource?.BlobLength(digest);

    /// <summary>
    /// The blob's bytes, checked against <paramref name="descriptor"/> as they are read: reading its last
    /// byte throws DRY3002 when the size or digest differs. Read it to the end before trusting it.
    /// </summary>
    public Stream OpenVerifiedBlob(Descriptor descriptor) =>
        files.ContainsKey(BlobDirectory + descriptor.Digest.Hex) || blobSource?.HasBlob(descriptor.Digest) != true
            ? new VerifyingReadStream(OpenBlob(descriptor.Digest), descriptor, Path)
            : trustsBlobSource && blobSource.BlobLength(descriptor.Digest) == descriptor.Size
                ? blobSource.OpenBlob(descriptor.Digest)
                : blobSource.OpenVerifiedBlob(descriptor);

    internal static DrydockException Invalid(string path, string what) => new(
        KnownCodes.ImageArchiveInvalid,
        $"The image archive '{path}' is not a valid OCI image layout: {what}. Delete it and publish again; if it persists, the SDK's container build wrote something Drydock does not understand.");

    /// <summary>Maps each regular file's name to where its bytes are in the tar, without reading them.</summary>
    private static Dictionary<string, (long Offset, long Length)> IndexTar(string path)
    {
        var files = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        if (stream.Read(magic) == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            throw Invalid(path, "it is gzip-compressed, but the SDK writes an uncompressed tar (whatever its file name says)");
        }

        stream.Position = 0;
        try
        {
            using var reader = new TarReader(stream, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                {
                    // Later entries win, as when the tar is extracted.
                    files[NormalizeName(entry.Name)] = (entry.DataOffset, entry.Length);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            throw Invalid(path, $"it is not a readable tar archive ({e.Message})");
        }

        if (!files.ContainsKey("oci-layout"))
        {
            throw Invalid(path, "it has no 'oci-layout' file");
        }

        return files;
    }

    private static string NormalizeName(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;

    /// <summary>
    /// index.json must name one image manifest; multi-platform indexes are not supported yet. The SDK
    /// lists that manifest once per tag (each entry with its own ref.name), so entries are grouped by digest.
    /// </summary>
    private Descriptor SelectManifest(JsonObject index)
    {
        var layout = ReadJson("oci-layout");
        if (OciJson.GetString(layout["imageLayoutVersion"]) is not { } version || !version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw Invalid(Path, "'oci-layout' does not declare imageLayoutVersion 1.x");
        }

        var descriptors = index["manifests"] is JsonArray manifests
            ? manifests.Select(manifest => ReadDescriptor(manifest, "index.json's manifest")).Distinct().ToArray()
            : [];
        if (descriptors.Length != 1)
        {
            throw Invalid(Path, "index.json must list exactly one manifest (multi-platform images are not supported)");
        }

        var descriptor = descriptors[0];
        if (descriptor.MediaType != OciMediaTypes.ImageManifest)
        {
            throw Invalid(Path, $"index.json points at media type '{descriptor.MediaType}', expected {OciMediaTypes.ImageManifest}");
        }

        return descriptor;
    }

    private Descriptor ReadDescriptor(JsonNode? node, string what)
    {
        if (node is JsonObject descriptor
            && OciJson.GetString(descriptor["mediaType"]) is { Length: > 0 } mediaType
            && Digest.TryParse(OciJson.GetString(descriptor["digest"]), out var digest)
            && descriptor["size"] is JsonValue sizeValue
            && sizeValue.TryGetValue<long>(out var size)
            && size >= 0)
        {
            return new Descriptor(mediaType, digest, size);
        }

        throw Invalid(Path, $"{what} is not a descriptor with mediaType, digest (sha256:<64 hex>) and size");
    }

    private void CheckBlobPresent(Descriptor descriptor)
    {
        var length = BlobLength(descriptor.Digest) ?? throw Invalid(Path, $"blob {descriptor.Digest} is missing");
        if (length != descriptor.Size)
        {
            throw Invalid(Path, $"blob {descriptor.Digest} has {length} bytes, but its descriptor says {descriptor.Size}");
        }
    }

    private JsonObject ReadJsonBlob(Descriptor descriptor, string what)
    {
        CheckBlobPresent(descriptor);
        if (descriptor.Size > MaxJsonBlobSize)
        {
            throw Invalid(Path, $"the {what} is {descriptor.Size} bytes, larger than any image JSON should be");
        }

        var bytes = ReadAll(OpenBlob(descriptor.Digest));
        var actual = Digest.Of(bytes);
        if (actual != descriptor.Digest)
        {
            throw Invalid(Path, $"the {what} blob {descriptor.Digest} has digest {actual}");
        }

        return OciJson.TryParseObject(bytes) ?? throw Invalid(Path, $"the {what} blob {descriptor.Digest} is not a JSON object");
    }

    private JsonObject ReadJson(string name)
    {
        if (!files.TryGetValue(name, out var file))
        {
            throw Invalid(Path, $"it has no '{name}' file");
        }

        if (file.Length > MaxJsonBlobSize)
        {
            throw Invalid(Path, $"'{name}' is {file.Length} bytes, larger than any image JSON should be");
        }

        var bytes = ReadAll(new BoundedReadStream(File.OpenRead(Path), file.Offset, file.Length));
        return OciJson.TryParseObject(bytes) ?? throw Invalid(Path, $"'{name}' is not a JSON object");
    }

    private List<Digest> ReadDiffIds(JsonObject config)
    {
        var diffIds = new List<Digest>();
        var array = (config["rootfs"] as JsonObject)?["diff_ids"] as JsonArray
            ?? throw Invalid(Path, "the config has no rootfs.diff_ids list");
        foreach (var node in array)
        {
            if (!Digest.TryParse(OciJson.GetString(node), out var diffId))
            {
                throw Invalid(Path, $"the config's rootfs.diff_ids holds '{node?.ToJsonString()}', not a sha256 digest");
            }

            diffIds.Add(diffId);
        }

        if (diffIds.Count != Layers.Count)
        {
            throw Invalid(Path, $"the config lists {diffIds.Count} diff_ids for {Layers.Count} layers");
        }

        return diffIds;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using (stream)
        {
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
    }
}
