using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Drydock.Build.Oci;

namespace Drydock.Build.Sbom;

/// <summary>The image an SBOM describes: one platform manifest, where it goes, and who wrote the SBOM.</summary>
public sealed record SbomImage
{
    /// <summary>The repository (<c>shop/api</c>).</summary>
    public required string Repository { get; init; }

    /// <summary>The registry it is pushed to (<c>registry.example.com</c>); null or empty for a local image.</summary>
    public string? Registry { get; init; }

    /// <summary>Drydock's version, for <c>metadata.tools</c>.</summary>
    public string? ToolVersion { get; init; }
}

/// <summary>
/// A CycloneDX 1.6 JSON BOM (https://cyclonedx.org/docs/1.6/json/) for one image manifest, from what the
/// image holds: the app's runtime NuGet packages from its deps.json (<see cref="DepsJson"/>, <c>pkg:nuget</c>
/// purls with the SHA-512 deps.json carries), the app project itself (type <c>application</c>), the .NET
/// runtime (the base's shared frameworks for a framework-dependent app, the runtime pack for a self-contained
/// one; type <c>framework</c>, purl of the runtime pack of the image's platform), the base image's
/// Debian/Ubuntu packages (<see cref="DebianPackages"/>, <c>pkg:deb</c>), and the base image by digest
/// (<c>pkg:oci</c>). The image is <c>metadata.component</c>. The bytes follow from the image alone:
/// no wall clock (<c>metadata.timestamp</c> is the config's <c>created</c>), <c>serialNumber</c> a
/// name-based UUID (RFC 4122 version 5) of the manifest digest, components sorted by <c>bom-ref</c>.
/// </summary>
public static class CycloneDxBom
{
    public const string MediaType = "application/vnd.cyclonedx+json";

    /// <summary>The in-toto predicate type of a CycloneDX BOM (https://github.com/in-toto/attestation/blob/main/spec/predicates/cyclonedx.md).</summary>
    public const string PredicateType = "https://cyclonedx.org/bom";

    private const string BaseName = "org.opencontainers.image.base.name";
    private const string BaseDigest = "org.opencontainers.image.base.digest";

    /// <summary>A fixed namespace for Drydock's version-5 serial numbers (RFC 4122 section 4.3).</summary>
    private static readonly Guid SerialNamespace = new("5f0c4f8e-6c1e-4d5b-9a57-2f1c3b7d8e91");

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The BOM's UTF-8 bytes (indented, a final newline). DRY3010 when the app's deps.json cannot be read.</summary>
    /// <param name="buildDeps">
    /// The app's deps.json from its build (path, text), read only when the image holds none: a Native AOT or single-file
    /// app compiles or bundles its packages and runtime into the binary, so the build's list is what the binary holds.
    /// </param>
    public static byte[] Write(OciArchive image, ImageInventory inventory, SbomImage subject, KeyValuePair<string, string>? buildDeps = null)
    {
        var digest = image.ManifestDescriptor.Digest.ToString();
        var platform = Platform.FromJson(image.Config);
        var components = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        void Add(JsonObject component) => components.TryAdd((string)component["bom-ref"]!, component);

        var selfContained = false;
        var depsFiles = inventory.DepsFiles.ToList();
        if (depsFiles.Count == 0 && buildDeps is { } fromBuild)
        {
            depsFiles.Add(fromBuild);
        }

        foreach (var (path, text) in depsFiles)
        {
            var appName = Path.GetFileName(path)[..^".deps.json".Length];
            foreach (var library in DepsJson.RuntimeLibraries(text, path))
            {
                selfContained |= library.Type == "runtimepack";
                Add(library.Type switch
                {
                    "project" => Component(library.Name == appName ? "application" : "library", library.Name, library.Version, purl: null, bomRef: $"project:{library.Name}@{library.Version}"),
                    "runtimepack" => Component("framework", library.Name, library.Version, Purl.NuGet(library.Name, library.Version)),
                    _ => WithHash(Component("library", library.Name, library.Version, Purl.NuGet(library.Name, library.Version)), library.Sha512),
                });
            }
        }

        if (!selfContained)
        {
            foreach (var (name, version) in Frameworks(image, inventory))
            {
                var runtimePack = $"{name}.Runtime.{Rid(platform)}";
                Add(Component("framework", name, version, Purl.NuGet(runtimePack, version)));
            }
        }

        var (vendor, distro) = Distribution(inventory.OsReleaseText);
        foreach (var package in OsPackages(inventory))
        {
            Add(Component("library", package.Name, package.Version, Purl.Deb(vendor, package.Name, package.Version, package.Architecture, distro, package.Source)));
        }

        var annotations = image.Manifest["annotations"] as JsonObject;
        var labels = image.Config["config"]?["Labels"] as JsonObject;
        var baseName = OciJson.GetString(annotations?[BaseName]) ?? OciJson.GetString(labels?[BaseName]);
        var baseDigest = OciJson.GetString(annotations?[BaseDigest]) ?? OciJson.GetString(labels?[BaseDigest]);
        if (baseName is { Length: > 0 } && Digest.TryParse(baseDigest, out var parsedBaseDigest))
        {
            var (repositoryUrl, tag) = SplitReference(baseName);
            Add(Component("container", repositoryUrl, parsedBaseDigest.ToString(), Purl.Oci(repositoryUrl, parsedBaseDigest.ToString(), platform?.Architecture, tag)));
        }

        var imageUrl = ImageUrl(subject);
        var imagePurl = Purl.Oci(imageUrl, digest, platform?.Architecture, tag: null);
        return Serialize(image, subject, Component("container", imageUrl, digest, imagePurl), digest, [.. components.Values], imagePurl, [.. components.Keys]);
    }

    /// <summary>
    /// The BOM of a multi-platform image's index (<paramref name="index"/>): the index is <c>metadata.component</c>, each
    /// platform image a component (<c>pkg:oci/…@sha256:…?arch=…</c>) whose <c>externalReferences</c> link, by CycloneDX
    /// BOM-Link (<c>urn:cdx:&lt;serialNumber&gt;/1</c>, https://cyclonedx.org/capabilities/bomlink/), to that platform's
    /// own BOM (<see cref="Write"/> gives it that serial number). An index holds no files of its own: what is in it is
    /// its platform images, and what is in them their BOMs list.
    /// </summary>
    public static byte[] WriteIndex(Digest index, IReadOnlyList<OciArchive> platforms, SbomImage subject)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(platforms);
        var imageUrl = ImageUrl(subject);
        var components = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var image in platforms)
        {
            var digest = image.ManifestDescriptor.Digest.ToString();
            var component = Component("container", imageUrl, digest, Purl.Oci(imageUrl, digest, Platform.FromJson(image.Config)?.Architecture, tag: null));
            component["externalReferences"] = new JsonArray(new JsonObject
            {
                ["type"] = "bom",
                ["url"] = $"urn:cdx:{NameBasedUuid(SerialNamespace, digest)}/1",
                ["comment"] = "the SBOM of this platform's image, attached to it",
            });
            components.TryAdd((string)component["bom-ref"]!, component);
        }

        var indexPurl = Purl.Oci(imageUrl, index.ToString(), architecture: null, tag: null);
        return Serialize(platforms[0], subject, Component("container", imageUrl, index.ToString(), indexPurl), index.ToString(), [.. components.Values], indexPurl, [.. components.Keys]);
    }

    private static string ImageUrl(SbomImage subject) =>
        string.IsNullOrEmpty(subject.Registry) ? subject.Repository : $"{subject.Registry}/{subject.Repository}";

    /// <summary>The BOM around <paramref name="component"/>: time from <paramref name="image"/>'s config (never the wall clock), serial number from <paramref name="digest"/>.</summary>
    private static byte[] Serialize(OciArchive image, SbomImage subject, JsonObject component, string digest, JsonObject[] components, string reference, string[] dependsOn)
    {
        var tool = new JsonObject { ["type"] = "application", ["name"] = "Drydock" };
        if (subject.ToolVersion is { Length: > 0 })
        {
            tool["version"] = subject.ToolVersion;
        }

        var metadata = new JsonObject();
        if (OciJson.GetString(image.Config["created"]) is { } created && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            metadata["timestamp"] = time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        metadata["tools"] = new JsonObject { ["components"] = new JsonArray(tool) };
        metadata["component"] = component;
        var bom = new JsonObject
        {
            ["$schema"] = "http://cyclonedx.org/schema/bom-1.6.schema.json",
            ["bomFormat"] = "CycloneDX",
            ["specVersion"] = "1.6",
            ["serialNumber"] = "urn:uuid:" + NameBasedUuid(SerialNamespace, digest),
            ["version"] = 1,
            ["metadata"] = metadata,
            ["components"] = new JsonArray([.. components]),
            ["dependencies"] = new JsonArray(new JsonObject
            {
                ["ref"] = reference,
                ["dependsOn"] = new JsonArray([.. dependsOn.Select(key => (JsonNode)key)]),
            }),
        };
        return Encoding.UTF8.GetBytes(bom.ToJsonString(Indented) + "\n");
    }

    /// <summary>The shared frameworks of a framework-dependent image: the folders the base holds, else the versions its environment names (as dotnet-docker's images set them).</summary>
    private static IEnumerable<(string Name, string Version)> Frameworks(OciArchive image, ImageInventory inventory)
    {
        if (inventory.Frameworks.Count > 0)
        {
            return inventory.Frameworks;
        }

        var env = (image.Config["config"]?["Env"] as JsonArray ?? [])
            .Select(OciJson.GetString).OfType<string>()
            .Select(e => e.Split('=', 2)).Where(e => e.Length == 2)
            .GroupBy(e => e[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
        var frameworks = new List<(string, string)>();
        if (env.GetValueOrDefault("DOTNET_VERSION") is { Length: > 0 } runtime)
        {
            frameworks.Add(("Microsoft.NETCore.App", runtime));
        }

        if (env.GetValueOrDefault("ASPNET_VERSION") is { Length: > 0 } aspnet)
        {
            frameworks.Add(("Microsoft.AspNetCore.App", aspnet));
        }

        return frameworks;
    }

    private static IEnumerable<DebianPackage> OsPackages(ImageInventory inventory)
    {
        foreach (var (path, text) in inventory.Texts)
        {
            var packages = path == ImageInventory.DpkgStatus || path.StartsWith(ImageInventory.DpkgStatusDirectory, StringComparison.Ordinal)
                ? DebianPackages.FromDpkgStatus(text)
                : path == ImageInventory.ChiselManifest ? DebianPackages.FromChiselManifest(text) : [];
            foreach (var package in packages)
            {
                yield return package;
            }
        }
    }

    /// <summary>The purl vendor (os-release's <c>ID</c>: debian, ubuntu) and <c>distro</c> qualifier (<c>ID-VERSION_ID</c>); debian and none without os-release.</summary>
    internal static (string Vendor, string? Distro) Distribution(string? osRelease)
    {
        var fields = (osRelease ?? "").Split('\n')
            .Select(line => line.Trim().Split('=', 2)).Where(f => f.Length == 2)
            .GroupBy(f => f[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last()[1].Trim('"', '\''), StringComparer.Ordinal);
        var id = fields.GetValueOrDefault("ID")?.ToLowerInvariant();
        if (id is not { Length: > 0 })
        {
            return ("debian", null);
        }

        return (id, fields.GetValueOrDefault("VERSION_ID") is { Length: > 0 } version ? $"{id}-{version}" : null);
    }

    /// <summary>Splits <c>host/repo:tag</c> (or <c>host/repo@digest</c>) into the repository URL and the tag.</summary>
    private static (string RepositoryUrl, string? Tag) SplitReference(string reference)
    {
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? reference : reference[..at];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? (name[..colon], name[(colon + 1)..]) : (name, null);
    }

    /// <summary>The .NET RID of a Linux platform, as the runtime packs are named (glibc: Microsoft's and Drydock's bases).</summary>
    private static string Rid(Platform? platform) => platform?.Architecture switch
    {
        "arm64" => "linux-arm64",
        "arm" => "linux-arm",
        "s390x" => "linux-s390x",
        "ppc64le" => "linux-ppc64le",
        _ => "linux-x64",
    };

    private static JsonObject Component(string type, string name, string version, string? purl, string? bomRef = null)
    {
        var component = new JsonObject
        {
            ["type"] = type,
            ["bom-ref"] = bomRef ?? purl,
            ["name"] = name,
            ["version"] = version,
        };
        if (purl is not null)
        {
            component["purl"] = purl;
        }

        return component;
    }

    private static JsonObject WithHash(JsonObject component, string? sha512)
    {
        if (sha512 is not null)
        {
            component["hashes"] = new JsonArray(new JsonObject { ["alg"] = "SHA-512", ["content"] = sha512 });
        }

        return component;
    }

    /// <summary>RFC 4122 section 4.3, version 5 (SHA-1): the same name in the same namespace gives the same UUID.</summary>
    internal static Guid NameBasedUuid(Guid @namespace, string name)
    {
        var namespaceBytes = @namespace.ToByteArray(bigEndian: true);
        var nameBytes = Encoding.UTF8.GetBytes(name);
#pragma warning disable CA5350 // RFC 4122's version 5 is defined over SHA-1; an identifier, not a security use.
        var hash = SHA1.HashData([.. namespaceBytes, .. nameBytes]);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
