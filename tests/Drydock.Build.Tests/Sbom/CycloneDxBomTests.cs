using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using Drydock.Build.Oci;
using Drydock.Build.Sbom;
using Drydock.Build.Tests.Oci;
using Drydock.Build.Tests.Support;
using Drydock.Tests.Verifiers;

namespace Drydock.Build.Tests.Sbom;

/// <summary>
/// SBOMs of hand-made images (<see cref="SdkArchiveFixture"/>): a base with dpkg metadata, os-release and a shared
/// framework, an app layer with a real publish's deps.json. Every SBOM is also validated by the CycloneDX project's
/// own validator (eng/setup.sh installs it).
/// </summary>
public sealed class CycloneDxBomTests : IDisposable
{
    private const string BaseDigest = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private const string Status = """
        Package: libssl3
        Status: install ok installed
        Architecture: amd64
        Source: openssl
        Version: 3.0.19-1~deb12u2

        Package: tzdata
        Status: install ok installed
        Architecture: all
        Version: 2025b-0+deb12u2

        """;

    private readonly TempDirectory _temp = new();

    private static readonly SbomImage Subject = new() { Registry = "registry.example.com", Repository = "shop/api", ToolVersion = "1.2.3" };

    private static string DepsJson(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sbom", "Data", name));

    private static SdkArchiveFixture Image(string deps = "framework-dependent.deps.json", IReadOnlyList<FixtureEntry>? baseEntries = null, IReadOnlyList<FixtureEntry>? appEntries = null) => new()
    {
        BuiltAt = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero),
        Env = ["DOTNET_VERSION=10.0.12"],
        Labels = new Dictionary<string, string>
        {
            ["org.opencontainers.image.base.name"] = "localhost:5000/dotnet/runtime:10.0-noble-chiseled",
            ["org.opencontainers.image.base.digest"] = BaseDigest,
        },
        BaseEntries = baseEntries ??
        [
            FixtureEntry.File("var/lib/dpkg/status", Status),
            FixtureEntry.File("usr/lib/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"),
            FixtureEntry.Symlink("etc/os-release", "../usr/lib/os-release"),
            FixtureEntry.File("usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Private.CoreLib.dll", "MZ"),
        ],
        AppEntries = [FixtureEntry.File("app/App.deps.json", DepsJson(deps)), .. appEntries ?? []],
    };

    private (JsonObject Bom, byte[] Bytes, OciArchive Archive) Write(SdkArchiveFixture fixture, string name = "image.tar")
    {
        var archive = OciArchive.Open(fixture.Write(_temp.File(name)));
        var bytes = CycloneDxBom.Write(archive, ImageInventory.Read(archive, layerCache: null, CancellationToken.None), Subject);
        return ((JsonObject)JsonNode.Parse(bytes)!, bytes, archive);
    }

    private static JsonObject[] Components(JsonObject bom) => bom["components"]!.AsArray().Select(c => c!.AsObject()).ToArray();

    [Fact]
    public void TheBaseLayers_AreScannedOnce_ThroughTheLintsLayerCache()
    {
        var archive = OciArchive.Open(Image().Write(_temp.File("image.tar")));
        var cache = Directory.CreateDirectory(_temp.File("layer-cache")).FullName;
        var uncached = CycloneDxBom.Write(archive, ImageInventory.Read(archive, layerCache: null, CancellationToken.None), Subject);

        var first = CycloneDxBom.Write(archive, ImageInventory.Read(archive, cache, CancellationToken.None), Subject);
        var scans = Directory.GetFiles(cache);
        var second = CycloneDxBom.Write(archive, ImageInventory.Read(archive, cache, CancellationToken.None), Subject);

        // One scan, of the base layer (the app layer changes with every build and is never kept).
        var scan = Assert.Single(scans);
        Assert.StartsWith(archive.Layers[0].Digest.Hex, Path.GetFileName(scan), StringComparison.Ordinal);
        Assert.Contains("libssl3", File.ReadAllText(scan), StringComparison.Ordinal);
        Assert.Equal(uncached, first);
        Assert.Equal(uncached, second);
    }

    [Fact]
    public void AnIndex_ListsItsPlatformImages_EachLinkedToItsOwnBom()
    {
        var (amd64, amd64Bytes, amd64Archive) = Write(new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = "amd64" } }, "amd64.tar");
        var (arm64, _, arm64Archive) = Write(new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = "arm64" } }, "arm64.tar");
        var index = Digest.Of("an index"u8.ToArray());

        var bytes = CycloneDxBom.WriteIndex(index, [amd64Archive, arm64Archive], Subject);

        AssertValid(bytes);
        var bom = JsonNode.Parse(bytes)!.AsObject();
        Assert.Contains(Uri.EscapeDataString(index.ToString()), (string)bom["metadata"]!["component"]!["purl"]!, StringComparison.Ordinal);
        var links = Components(bom).ToDictionary(c => (string)c["version"]!, c => (string)c["externalReferences"]![0]!["url"]!);
        Assert.Equal(2, links.Count);
        Assert.Equal($"urn:cdx:{((string)amd64["serialNumber"]!)["urn:uuid:".Length..]}/1", links[amd64Archive.ManifestDescriptor.Digest.ToString()]);
        Assert.Equal($"urn:cdx:{((string)arm64["serialNumber"]!)["urn:uuid:".Length..]}/1", links[arm64Archive.ManifestDescriptor.Digest.ToString()]);
        Assert.Equal(bytes, CycloneDxBom.WriteIndex(index, [amd64Archive, arm64Archive], Subject));
        Assert.NotEqual(amd64Bytes, bytes);
    }

    [Fact]
    public void TheThirdPartyValidator_RejectsABomThatBreaksTheSchema()
    {
        var (bom, bytes, _) = Write(new SdkArchiveFixture());
        AssertValid(bytes);
        bom["bomFormat"] = "NotCycloneDX";
        var file = _temp.File("broken.cdx.json");
        File.WriteAllText(file, bom.ToJsonString());

        Assert.Throws<VerificationFailedException>(() => ThirdPartyVerifiers.CycloneDx("1.6", file));
    }

    private void AssertValid(byte[] bytes)
    {
        var file = _temp.File($"bom-{Guid.NewGuid():N}.cdx.json");
        File.WriteAllBytes(file, bytes);
        ThirdPartyVerifiers.CycloneDx("1.6", file);
    }

    [Fact]
    public void Framework_dependent_app_lists_app_packages_runtime_debs_and_base()
    {
        var (bom, bytes, archive) = Write(Image());

        var refs = Components(bom).Select(c => (string)c["bom-ref"]!).ToArray();
        Assert.Equal(
        [
            "pkg:deb/debian/libssl3@3.0.19-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl",
            "pkg:deb/debian/tzdata@2025b-0%2Bdeb12u2?arch=all&distro=debian-12",
            "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.12",
            "pkg:nuget/NuGet.Versioning@8.0.0",
            "pkg:oci/runtime@sha256%3A" + BaseDigest[7..] + "?arch=amd64&repository_url=localhost:5000/dotnet/runtime&tag=10.0-noble-chiseled",
            "project:App@1.0.0",
        ], refs);
        var versioning = Components(bom).Single(c => (string)c["name"]! == "NuGet.Versioning");
        Assert.Equal("library", (string)versioning["type"]!);
        Assert.Equal("SHA-512", (string)versioning["hashes"]![0]!["alg"]!);
        Assert.Equal(128, ((string)versioning["hashes"]![0]!["content"]!).Length);
        Assert.Equal("application", (string)Components(bom).Single(c => (string)c["name"]! == "App")["type"]!);
        Assert.Equal("framework", (string)Components(bom).Single(c => (string)c["name"]! == "Microsoft.NETCore.App")["type"]!);

        var image = bom["metadata"]!["component"]!;
        Assert.Equal("container", (string)image["type"]!);
        Assert.Equal(archive.ManifestDescriptor.Digest.ToString(), (string)image["version"]!);
        Assert.Equal($"pkg:oci/api@sha256%3A{archive.ManifestDescriptor.Digest.Hex}?arch=amd64&repository_url=registry.example.com/shop/api", (string)image["purl"]!);
        Assert.Equal("2026-11-30T12:00:00Z", (string)bom["metadata"]!["timestamp"]!);
        Assert.Equal(refs, bom["dependencies"]![0]!["dependsOn"]!.AsArray().Select(r => (string)r!));
        AssertValid(bytes);
    }

    [Fact]
    public void Same_image_gives_same_bytes_and_serial_follows_the_digest()
    {
        var (first, firstBytes, archive) = Write(Image(), "a.tar");
        var (_, secondBytes, _) = Write(Image(), "b.tar");
        var (other, _, _) = Write(new SdkArchiveFixture
        {
            BuiltAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            AppEntries = [FixtureEntry.File("app/App.deps.json", DepsJson("framework-dependent.deps.json"))],
        }, "c.tar");

        Assert.Equal(firstBytes, secondBytes);
        Assert.Equal("urn:uuid:" + CycloneDxBom.NameBasedUuid(new Guid("5f0c4f8e-6c1e-4d5b-9a57-2f1c3b7d8e91"), archive.ManifestDescriptor.Digest.ToString()), (string)first["serialNumber"]!);
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", (string)first["serialNumber"]!);
        Assert.NotEqual((string)first["serialNumber"]!, (string)other["serialNumber"]!);
    }

    [Fact]
    public void Name_based_uuid_matches_rfc_4122s_example()
    {
        // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), CycloneDxBom.NameBasedUuid(new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com"));
    }

    [Fact]
    public void Self_contained_app_names_the_runtime_pack_not_the_base_frameworks()
    {
        var (bom, bytes, _) = Write(Image("self-contained.deps.json"));

        var frameworks = Components(bom).Where(c => (string)c["type"]! == "framework").Select(c => (string)c["purl"]!).ToArray();
        Assert.Single(frameworks);
        Assert.StartsWith("pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.", frameworks[0], StringComparison.Ordinal);
        AssertValid(bytes);
    }

    [Fact]
    public void Distroless_status_d_and_a_whiteout_are_read_as_a_runtime_applies_them()
    {
        var (bom, bytes, _) = Write(Image(
            baseEntries:
            [
                FixtureEntry.File("var/lib/dpkg/status.d/libc6", "Package: libc6\nVersion: 2.36-9+deb12u14\nArchitecture: amd64\n"),
                FixtureEntry.File("var/lib/dpkg/status.d/libc6.md5sums", "abc  lib/x86_64-linux-gnu/libc.so.6\n"),
                FixtureEntry.File("var/lib/dpkg/status.d/gone", "Package: gone\nVersion: 1\nArchitecture: amd64\n"),
            ],
            appEntries: [FixtureEntry.File("var/lib/dpkg/status.d/.wh.gone", "")]));

        var debs = Components(bom).Select(c => (string)c["bom-ref"]!).Where(r => r.StartsWith("pkg:deb/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64"], debs);
        // No shared framework folder here: the runtime comes from the base's DOTNET_VERSION.
        Assert.Contains(Components(bom), c => (string)c["bom-ref"]! == "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.12");
        AssertValid(bytes);
    }

    [Fact]
    public void Ubuntu_os_release_names_the_vendor_and_distro()
    {
        Assert.Equal(("ubuntu", "ubuntu-24.04"), CycloneDxBom.Distribution("NAME=\"Ubuntu\"\nID=ubuntu\nVERSION_ID=\"24.04\"\n"));
        Assert.Equal(("debian", null), CycloneDxBom.Distribution(null));
    }

    public void Dispose() => _temp.Dispose();
}
