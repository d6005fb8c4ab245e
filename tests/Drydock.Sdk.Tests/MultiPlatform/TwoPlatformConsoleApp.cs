using System.Text.Json.Nodes;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests.MultiPlatform;

/// <summary>
/// ContainerRuntimeIdentifiers="linux-x64;linux-arm64" on a console app: one OCI index of two
/// normalized images, the same digests from another clone, labels intact (the SDK's per-RID builds cut
/// them at ':'), each platform in drydock.json, pushed as an index that the registry serves with both
/// manifests; the arm64 image runs under emulation where qemu-user-static is registered.
/// </summary>
public sealed class TwoPlatformConsoleApp : IDisposable
{
    // One per test run: the registry outlives runs on a developer machine, and a commit tag never moves (DRY6012).
    private static readonly string Repository = "platform-tests/console-" + Guid.NewGuid().ToString("N")[..8];

    private static readonly string Rids = "<ContainerRuntimeIdentifiers>linux-x64;linux-arm64</ContainerRuntimeIdentifiers><RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers>";

    private readonly TestProject _project = TestProject.Create(
        "twoplat",
        sdk: "Microsoft.NET.Sdk",
        properties: $"<ContainerRepository>{Repository}</ContainerRepository><Description>see https://example.test:8443/docs</Description>{Rids}",
        program: """System.Console.WriteLine("Hello from " + System.Runtime.InteropServices.RuntimeInformation.OSArchitecture);""");

    private TestProject? _clone;

    [Fact]
    public void Two_platforms_make_one_reproducible_pushed_index()
    {
        var multiarch = $"-p:DrydockBaseRegistry={Paths.Registry}/multiarch";
        var publish = _project.Publish(multiarch, "-p:LocalRegistry=Podman", $"-p:ContainerRegistry={Paths.Registry}");

        Assert.True(publish.Succeeded, publish.StandardOutput + publish.StandardError);
        var index = Oci.Manifest(_project.ArchivePath);
        Assert.Equal("application/vnd.oci.image.index.v1+json", (string?)index["mediaType"]);
        var manifests = index["manifests"]!.AsArray();
        Assert.Equal(["amd64", "arm64"], manifests.Select(m => (string)m!["platform"]!["architecture"]!).ToArray());
        var indexDigest = Oci.ManifestDigest(_project.ArchivePath);

        var report = _project.Report();
        Assert.Equal(indexDigest, (string?)report["image"]!["digest"]);
        var platforms = report["image"]!["platforms"]!.AsArray();
        Assert.Equal(["linux/amd64", "linux/arm64"], platforms.Select(p => (string)p!["platform"]!).ToArray());
        foreach (var platform in platforms)
        {
            // Every platform's image is in the index archive (each blob once); skopeo picks it by platform.
            var architecture = ((string)platform!["platform"]!).Split('/')[1];
            var config = Oci.Config(_project.ArchivePath, (string)platform["platform"]!);
            Assert.Equal(architecture, (string?)config["architecture"]);
            Assert.Equal("linux", (string?)config["os"]);
            Assert.Contains(manifests, m => (string?)m!["digest"] == (string?)platform["digest"] && (string?)m["platform"]!["architecture"] == architecture);
            // Labels whole, not cut at ':' as the SDK's inner builds pass them.
            Assert.Equal("see https://example.test:8443/docs", (string?)config["config"]!["Labels"]!["org.opencontainers.image.description"]);
            // Pulled from the multi-platform mirror (DrydockBaseRegistry), named as the project names it.
            Assert.StartsWith("mcr.microsoft.com/dotnet/runtime:", (string?)config["config"]!["Labels"]!["org.opencontainers.image.base.name"]);
        }

        // The host's platform is the one loaded, from its own single-image archive cut from the index archive;
        // no other platform's is written.
        var host = platforms.Single(p => (string)p!["platform"]! == "linux/amd64")!;
        Assert.True((bool)host["loaded"]!);
        Assert.Equal((string?)host["digest"], Oci.ManifestDigest((string)host["archive"]!));
        Assert.Null(platforms.Single(p => (string)p!["platform"]! == "linux/arm64")!["archive"]);
        Assert.Equal(
            ((string)report["image"]!["configDigest"]!).Replace("sha256:", "", StringComparison.Ordinal),
            Oci.Podman("image", "inspect", "--format", "{{.Id}}", $"{Paths.Registry}/{Repository}:main").StandardOutput.Trim());

        // Pushed as the index, with both manifests, each under its digest.
        Assert.True((bool)report["push"]!["verified"]!);
        var pushed = Oci.Checked("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{Paths.Registry}/{Repository}:main"]).StandardOutput;
        Assert.Equal(indexDigest, "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(pushed))));
        foreach (var platform in platforms)
        {
            var raw = Oci.Checked("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{Paths.Registry}/{Repository}@{platform!["digest"]}"]).StandardOutput;
            Assert.Equal((string?)platform["digest"], "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw))));
        }

        // Same commit, another clone: the same index and manifests.
        _clone = TestProject.Clone(_project);
        var again = _clone.Publish(multiarch, "-p:LocalRegistry=Podman", "-p:DrydockLoadImage=false");
        Assert.True(again.Succeeded, again.StandardOutput);
        Assert.Equal(indexDigest, Oci.ManifestDigest(_clone.ArchivePath));
        Assert.Equal(
            platforms.Select(p => (string)p!["digest"]!).ToArray(),
            _clone.Report()["image"]!["platforms"]!.AsArray().Select(p => (string)p!["digest"]!).ToArray());

        // Under emulation, when binfmt has qemu-aarch64 (eng/base-images.sh registers it where it can).
        if (File.Exists("/proc/sys/fs/binfmt_misc/qemu-aarch64"))
        {
            var arm = platforms.Single(p => (string)p!["platform"]! == "linux/arm64")!;
            var run = Oci.Podman("run", "--rm", "--tls-verify=false", "--platform", "linux/arm64", $"{Paths.Registry}/{Repository}@{arm["digest"]}");
            Assert.True(run.Succeeded, run.StandardError);
            Assert.Equal("Hello from Arm64", run.StandardOutput.Trim());
        }
    }

    public void Dispose()
    {
        LocalImages.RemoveEverywhere($"{Paths.Registry}/{Repository}");
        _clone?.Dispose();
        _project.Dispose();
    }
}
