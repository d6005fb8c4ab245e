using System.Text.Json.Nodes;
using Drydock.Sdk.Tests.Support;
using Drydock.Tests.Verifiers;

namespace Drydock.Sdk.Tests;

/// <summary>
/// The SBOM of a real publish (docs/sbom.md): a console app with a NuGet package it runs with
/// (NuGet.Versioning) and an analyzer it only builds with (StyleCop.Analyzers, PrivateAssets="all").
/// Judged by third parties: the CycloneDX project's validator, and the CycloneDX dotnet tool's view of
/// the same project (runtime packages only). Two clones of one commit give the same bytes.
/// </summary>
public sealed class Sbom : IDisposable
{
    private const string Packages = """
        <PackageReference Include="NuGet.Versioning" Version="8.0.0" />
        <PackageReference Include="StyleCop.Analyzers" Version="1.1.118" PrivateAssets="all" />
        """;

    private readonly TestProject _project = TestProject.Create(
        "sbomapp",
        sdk: "Microsoft.NET.Sdk",
        properties: "<ContainerRepository>sbom-tests/app</ContainerRepository><NoWarn>$(NoWarn);SA1633;SA0001;SA1200;SA1516</NoWarn>",
        program: """System.Console.WriteLine(NuGet.Versioning.NuGetVersion.Parse("1.2.3"));""",
        items: Packages);

    private readonly List<TestProject> _others = [];

    private static string SbomPath(TestProject project) => Path.Combine(project.ProjectDirectory, "bin", "Release", "net10.0", "drydock.sbom.cdx.json");

    [Fact]
    public void Lists_the_runtime_package_with_its_hash_the_runtime_the_base_packages_and_the_base()
    {
        var publish = _project.Publish("-p:DrydockLoadImage=false");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var sbomPath = SbomPath(_project);
        ThirdPartyVerifiers.CycloneDx("1.6", sbomPath);
        var bom = JsonNode.Parse(File.ReadAllText(sbomPath))!;
        var components = bom["components"]!.AsArray().Select(c => c!).ToArray();
        var report = _project.Report();
        var digest = (string)report["image"]!["digest"]!;

        // The package with the content hash NuGet recorded when it extracted it (.nupkg.metadata's contentHash: the
        // SHA-512 lock files and deps.json carry; for a signed package it leaves the signature out).
        var versioning = Assert.Single(components, c => (string?)c["purl"] == "pkg:nuget/NuGet.Versioning@8.0.0");
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(Paths.NuGetPackages, "nuget.versioning", "8.0.0", ".nupkg.metadata")))!;
        Assert.Equal(Convert.ToHexStringLower(Convert.FromBase64String((string)metadata["contentHash"]!)), (string)versioning["hashes"]![0]!["content"]!);
        Assert.DoesNotContain(components, c => ((string)c["name"]!).StartsWith("StyleCop", StringComparison.Ordinal) || ((string)c["name"]!).StartsWith("Drydock", StringComparison.Ordinal));
        Assert.Contains(components, c => (string)c["name"]! == "sbomapp" && (string)c["type"]! == "application");

        // The runtime the base carries, as its DOTNET_VERSION says.
        var dotnetVersion = Oci.Config(_project.ArchivePath)["config"]!["Env"]!.AsArray().Select(e => (string)e!).Single(e => e.StartsWith("DOTNET_VERSION=", StringComparison.Ordinal))["DOTNET_VERSION=".Length..];
        var runtime = Assert.Single(components, c => (string)c["type"]! == "framework");
        Assert.Equal(("Microsoft.NETCore.App", dotnetVersion), ((string)runtime["name"]!, (string)runtime["version"]!));

        // The base's Debian packages (eng/base-images.sh writes their dpkg status) and the base by digest.
        var debs = components.Select(c => (string?)c["purl"]).OfType<string>().Where(p => p.StartsWith("pkg:deb/debian/", StringComparison.Ordinal)).ToArray();
        Assert.Contains(debs, p => p.StartsWith("pkg:deb/debian/libc6@", StringComparison.Ordinal) && p.Contains("arch=amd64", StringComparison.Ordinal) && p.Contains("distro=debian-12", StringComparison.Ordinal));
        Assert.Contains(debs, p => p.StartsWith("pkg:deb/debian/libssl3@", StringComparison.Ordinal));
        var baseDigest = (string)report["image"]!["baseDigest"]!;
        var baseImage = Assert.Single(components, c => (string)c["type"]! == "container" && (string)c["version"]! == baseDigest);
        // By the name the project asked for, not the mirror it was pulled from (DrydockBaseRegistry).
        Assert.Contains("repository_url=mcr.microsoft.com/dotnet/", (string)baseImage["purl"]!, StringComparison.Ordinal);

        // The image is the subject, in the SBOM and in the report.
        Assert.Equal(digest, (string)bom["metadata"]!["component"]!["version"]!);
        var listed = Assert.Single(report["sboms"]!.AsArray());
        Assert.Equal((sbomPath, digest, "https://cyclonedx.org/bom"), ((string)listed!["path"]!, (string)listed["subject"]!, (string)listed["predicateType"]!));
        Assert.Contains("Drydock: SBOM " + sbomPath, publish.StandardOutput, StringComparison.Ordinal);

        // The CycloneDX dotnet tool on the same project: the same runtime packages (it lists build-only ones as scope "excluded").
        var tool = CycloneDxTool.Run(_project);
        Assert.Equal(
            tool.Where(c => c.Scope != "excluded").Select(c => c.Purl).Order(StringComparer.Ordinal),
            components.Select(c => (string?)c["purl"]).OfType<string>().Where(p => p.StartsWith("pkg:nuget/", StringComparison.Ordinal) && !p.Contains(".Runtime.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains(tool, c => c.Purl.StartsWith("pkg:nuget/StyleCop.Analyzers@", StringComparison.Ordinal) && c.Scope == "excluded");
    }

    [Fact]
    public void Two_clones_of_one_commit_give_the_same_bytes_and_a_republish_keeps_the_file()
    {
        var first = _project.Publish("-p:DrydockLoadImage=false");
        Assert.True(first.Succeeded, first.StandardOutput);
        var bytes = File.ReadAllBytes(SbomPath(_project));
        var written = File.GetLastWriteTimeUtc(SbomPath(_project));

        var clone = TestProject.Clone(_project);
        _others.Add(clone);
        var second = clone.Publish("-p:DrydockLoadImage=false");
        Assert.True(second.Succeeded, second.StandardOutput);
        Assert.Equal(bytes, File.ReadAllBytes(SbomPath(clone)));

        var again = _project.Publish("-p:DrydockLoadImage=false");
        Assert.True(again.Succeeded, again.StandardOutput);
        Assert.Equal(written, File.GetLastWriteTimeUtc(SbomPath(_project)));
    }

    [Fact]
    public void Multi_platform_image_gets_one_sbom_per_platform_manifest_and_one_for_its_index()
    {
        var project = TestProject.Create(
            "sbomplat",
            sdk: "Microsoft.NET.Sdk",
            properties: "<ContainerRepository>sbom-tests/platforms</ContainerRepository><ContainerRuntimeIdentifiers>linux-x64;linux-arm64</ContainerRuntimeIdentifiers><RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers>",
            program: """System.Console.WriteLine(NuGet.Versioning.NuGetVersion.Parse("1.2.3"));""",
            items: """<PackageReference Include="NuGet.Versioning" Version="8.0.0" />""");
        _others.Add(project);

        var publish = project.Publish("-p:DrydockLoadImage=false", $"-p:DrydockBaseRegistry={Paths.Registry}/multiarch");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var report = project.Report();
        var platforms = report["image"]!["platforms"]!.AsArray().ToDictionary(p => (string)p!["platform"]!, p => (string)p!["digest"]!);
        var sboms = report["sboms"]!.AsArray().ToDictionary(s => (string?)s!["platform"] ?? "index", s => s!);
        Assert.Equal(["index", "linux/amd64", "linux/arm64"], sboms.Keys.Order(StringComparer.Ordinal));
        foreach (var (platform, sbom) in sboms.Where(s => s.Key != "index"))
        {
            var path = (string)sbom["path"]!;
            Assert.Equal(Path.Combine(Path.GetDirectoryName(SbomPath(project))!, $"drydock.sbom.{platform.Replace('/', '-')}.cdx.json"), path);
            Assert.Equal(platforms[platform], (string)sbom["subject"]!);
            var bom = JsonNode.Parse(File.ReadAllText(path))!;
            Assert.Equal(platforms[platform], (string)bom["metadata"]!["component"]!["version"]!);
            var arch = platform.Split('/')[1];
            var purls = bom["components"]!.AsArray().Select(c => (string?)c!["purl"]).OfType<string>().ToArray();
            Assert.Contains(purls, p => p.StartsWith("pkg:deb/debian/libc6@", StringComparison.Ordinal) && p.Contains($"arch={arch}", StringComparison.Ordinal));
            Assert.Contains("pkg:nuget/NuGet.Versioning@8.0.0", purls);
        }

        ThirdPartyVerifiers.CycloneDx("1.6", [.. sboms.Values.Select(s => (string)s["path"]!)]);
        // The index's SBOM: its platform images by digest, each linked to its own SBOM (CycloneDX BOM-Link).
        Assert.Equal(SbomPath(project), (string)sboms["index"]["path"]!);
        Assert.Equal((string)report["image"]!["digest"]!, (string)sboms["index"]["subject"]!);
        var index = JsonNode.Parse(File.ReadAllText(SbomPath(project)))!;
        var linked = index["components"]!.AsArray().ToDictionary(c => (string)c!["version"]!, c => (string)c!["externalReferences"]![0]!["url"]!);
        foreach (var (platform, sbom) in sboms.Where(s => s.Key != "index"))
        {
            var serial = (string)JsonNode.Parse(File.ReadAllText((string)sbom["path"]!))!["serialNumber"]!;
            Assert.Equal($"urn:cdx:{serial["urn:uuid:".Length..]}/1", linked[platforms[platform]]);
        }
    }

    [Fact]
    public void DrydockSbom_false_writes_none()
    {
        var publish = _project.Publish("-p:DrydockLoadImage=false", "-p:DrydockSbom=false");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.False(File.Exists(SbomPath(_project)));
        Assert.Empty(_project.Report()["sboms"]!.AsArray());
    }

    public void Dispose()
    {
        _project.Dispose();
        foreach (var clone in _others)
        {
            clone.Dispose();
        }
    }
}
