using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci;

/// <summary>An OCI platform (https://github.com/opencontainers/image-spec/blob/main/image-index.md, <c>platform</c>): <c>linux/amd64</c>, <c>linux/arm64/v8</c>.</summary>
public sealed record Platform(string OS, string Architecture, string? Variant = null)
{
    /// <summary>The platform of an image config's <c>os</c>, <c>architecture</c> and <c>variant</c>; null when either of the first two is missing.</summary>
    public static Platform? FromJson(JsonNode? node) =>
        node is JsonObject json && OciJson.GetString(json["os"]) is { Length: > 0 } os && OciJson.GetString(json["architecture"]) is { Length: > 0 } architecture
            ? new Platform(os, architecture, OciJson.GetString(json["variant"]) is { Length: > 0 } variant ? variant : null)
            : null;

    /// <summary>The platform written as <see cref="ToString"/> writes it (<c>linux/arm64</c>, <c>linux/arm/v7</c>); null for anything else.</summary>
    public static Platform? TryParse(string? text) =>
        text?.Split('/') is { Length: 2 or 3 } parts && parts.All(p => p.Length > 0 && !p.Any(char.IsWhiteSpace))
            ? new Platform(parts[0], parts[1], parts.Length == 3 ? parts[2] : null)
            : null;

    /// <summary>The form podman, docker and skopeo take: <c>os/architecture[/variant]</c>.</summary>
    public override string ToString() => Variant is null ? $"{OS}/{Architecture}" : $"{OS}/{Architecture}/{Variant}";

    /// <summary>The platform of this machine's Linux containers: podman and docker run these natively.</summary>
    public static Platform Host { get; } = new(
        "linux",
        System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            System.Runtime.InteropServices.Architecture.Arm => "arm",
            System.Runtime.InteropServices.Architecture.X86 => "386",
            _ => "amd64",
        });

    /// <summary>Same OS and architecture (the variant is a refinement a runtime matches loosely).</summary>
    public bool Runs(Platform other) => OS == other.OS && Architecture == other.Architecture;

    /// <summary>A file-name-safe form: <c>linux-amd64</c>.</summary>
    public string FileName => ToString().Replace('/', '-');

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["architecture"] = Architecture, ["os"] = OS };
        if (Variant is not null)
        {
            json["variant"] = Variant;
        }

        return json;
    }
}

/// <summary>One image of a multi-platform layout: its manifest descriptor and the platform the index gives it.</summary>
public sealed record PlatformManifest(Descriptor Manifest, Platform? Platform);

/// <summary>Multi-platform layouts: <c>index.json</c> pointing at an image index (as the SDK's <c>CreateImageIndex</c> and Drydock write them) or listing several manifests.</summary>
public sealed partial class OciArchive
{
    /// <summary>
    /// The images of a layout that holds an image index: the index's descriptor (null when index.json lists
    /// the manifests itself) and its manifests with their platforms. Null when the layout holds one
    /// single-platform image (open it with <see cref="Open(string)"/>). Digests are verified; DRY3001/DRY3002 as for <see cref="Open(string)"/>.
    /// </summary>
    public static (Descriptor? Index, IReadOnlyList<PlatformManifest> Manifests)? ReadIndex(string path)
    {
        var probe = new IndexReader(path, IndexTar(Exists(path)));
        return probe.Read();
    }

    /// <summary>One image of a multi-platform layout, by its manifest descriptor (from <see cref="ReadIndex"/>).</summary>
    public static OciArchive Open(string path, Descriptor manifest) => new(path, IndexTar(Exists(path)), manifest);

    /// <summary>
    /// The images of a layout that holds an image index (as Drydock writes it), each with the platform the index
    /// gives it, in the index's order, all read from one pass over the tar; null for a single-image layout.
    /// DRY3001/DRY3002 as for <see cref="Open(string)"/>, and DRY3002 when index.json lists manifests instead of
    /// one image index, or the index gives a manifest no platform.
    /// </summary>
    public static (Descriptor Index, IReadOnlyList<(Platform Platform, OciArchive Image)> Images)? OpenIndex(string path) =>
        OpenIndex(path, IndexTar(Exists(path)));

    private static (Descriptor Index, IReadOnlyList<(Platform Platform, OciArchive Image)> Images)? OpenIndex(string path, Dictionary<string, (long Offset, long Length)> files)
    {
        if (new IndexReader(path, files).Read() is not { } read)
        {
            return null;
        }

        var index = read.Index ?? throw Invalid(path, "index.json lists manifests, not one image index");
        var images = read.Manifests
            .Select(entry => (entry.Platform ?? throw Invalid(path, $"the index gives manifest {entry.Manifest.Digest} no platform"), new OciArchive(path, files, entry.Manifest)))
            .ToList();
        return (index, images);
    }

    /// <summary>
    /// The image to lint, load or test: the layout's one image, or for a multi-platform layout the image of
    /// <paramref name="platform"/> (<c>os/architecture[/variant]</c>, as <see cref="Platform.ToString"/> writes it;
    /// ignored for a single image). DRY3001/DRY3002 as for <see cref="OpenIndex"/>, and DRY3002 when the index has
    /// no image for that platform.
    /// </summary>
    public static OciArchive OpenImage(string path, string? platform)
    {
        var files = IndexTar(Exists(path));
        if (OpenIndex(path, files) is not { } index)
        {
            return new OciArchive(path, files);
        }

        return index.Images.FirstOrDefault(i => i.Platform.ToString() == platform).Image
            ?? throw Invalid(path, string.IsNullOrEmpty(platform)
                ? $"it holds an image index of {string.Join(", ", index.Images.Select(i => i.Platform))}, and no platform was named"
                : $"its image index has no image for {MessageText.Quote(platform)} (it has {string.Join(", ", index.Images.Select(i => i.Platform))})");
    }

    private static string Exists(string path) =>
        File.Exists(path) ? path : throw Missing(path);

    private sealed class IndexReader(string path, Dictionary<string, (long Offset, long Length)> files)
    {
        public (Descriptor? Index, IReadOnlyList<PlatformManifest> Manifests)? Read()
        {
            var archive = new OciArchiveJson(path, files);
            var entries = archive.Entries("index.json", archive.ReadFile("index.json"));
            var distinct = entries.Select(e => e.Manifest).Distinct().ToList();
            if (distinct.Count == 1 && distinct[0].MediaType == OciMediaTypes.ImageIndex)
            {
                var index = distinct[0];
                var manifests = archive.Entries($"the image index {index.Digest}", archive.ReadBlob(index));
                if (manifests.Count == 0 || manifests.Any(m => m.Manifest.MediaType != OciMediaTypes.ImageManifest))
                {
                    throw Invalid(path, $"the image index {index.Digest} must list image manifests ({OciMediaTypes.ImageManifest}) only");
                }

                return (index, manifests);
            }

            return distinct.Count > 1 && distinct.All(d => d.MediaType == OciMediaTypes.ImageManifest)
                ? (null, entries.DistinctBy(e => e.Manifest).ToList())
                : null;
        }
    }

    /// <summary>Reads index JSON from the layout's files: the same checks as the single-image reader, for index documents.</summary>
    private sealed class OciArchiveJson(string path, Dictionary<string, (long Offset, long Length)> files)
    {
        public JsonObject ReadFile(string name) =>
            files.TryGetValue(name, out var file) && file.Length <= MaxJsonBlobSize
                ? OciJson.TryParseObject(ReadAll(new BoundedReadStream(File.OpenRead(path), file.Offset, file.Length))) ?? throw Invalid(path, $"'{name}' is not a JSON object")
                : throw Invalid(path, $"it has no readable '{name}' file");

        public JsonObject ReadBlob(Descriptor descriptor)
        {
            if (!files.TryGetValue(BlobDirectory + descriptor.Digest.Hex, out var file) || file.Length != descriptor.Size || file.Length > MaxJsonBlobSize)
            {
                throw Invalid(path, $"blob {descriptor.Digest} is missing or has the wrong size");
            }

            var bytes = ReadAll(new BoundedReadStream(File.OpenRead(path), file.Offset, file.Length));
            return Digest.Of(bytes) == descriptor.Digest
                ? OciJson.TryParseObject(bytes) ?? throw Invalid(path, $"blob {descriptor.Digest} is not a JSON object")
                : throw Invalid(path, $"blob {descriptor.Digest} does not match its digest");
        }

        public List<PlatformManifest> Entries(string what, JsonObject index) =>
            index["manifests"] is JsonArray manifests
                ? manifests.Select(node => new PlatformManifest(Descriptor(node, what), Platform.FromJson(node?["platform"]))).ToList()
                : throw Invalid(path, $"{what} has no manifests list");

        private Descriptor Descriptor(JsonNode? node, string what) =>
            node is JsonObject json
            && OciJson.GetString(json["mediaType"]) is { Length: > 0 } mediaType
            && Oci.Digest.TryParse(OciJson.GetString(json["digest"]), out var digest)
            && json["size"] is JsonValue size && size.TryGetValue<long>(out var length) && length >= 0
                ? new Descriptor(mediaType, digest, length)
                : throw Invalid(path, $"{what} lists an entry that is not a descriptor with mediaType, digest and size");
    }
}
