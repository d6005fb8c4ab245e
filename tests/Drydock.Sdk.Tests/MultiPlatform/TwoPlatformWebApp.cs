using System.Text.Json.Nodes;
using Drydock.Sdk.Tests.Support;
using Xunit.Abstractions;

namespace Drydock.Sdk.Tests.MultiPlatform;

/// <summary>
/// A web app for linux-x64 and linux-arm64 with image tests: every platform is linted (each finding
/// names its platform), each platform's image is loaded and passes its tests (linux/arm64 under
/// emulation: eng/base-images.sh registers qemu-user-static), on podman and on Docker Engine;
/// DrydockTestPlatforms=host tests only the host's; and a change of the RID list is a new image, never
/// "up to date".
/// </summary>
public sealed class TwoPlatformWebApp(ITestOutputHelper log) : IDisposable
{
    // One per test run: the registry outlives runs on a developer machine, and a commit tag never moves (DRY6012).
    private static readonly string Repository = "platform-tests/web-" + Guid.NewGuid().ToString("N")[..8];

    private readonly TestProject _project = TestProject.Create(
        "twoweb",
        properties: $"<ContainerRepository>{Repository}</ContainerRepository><ContainerRuntimeIdentifiers>linux-x64;linux-arm64</ContainerRuntimeIdentifiers><RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers><ContainerTestPort>8080</ContainerTestPort>",
        // More ports than DrydockMaxExposedPorts (2): a lint warning (DRY4008) on every platform.
        items: """<ContainerPort Include="8081" /><ContainerPort Include="8082" /><ContainerPort Include="8083" />""",
        program: """
            var app = WebApplication.CreateSlimBuilder(args).Build();
            app.MapGet("/", () => "Hello from a Drydock test!");
            app.MapGet("/arch", () => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString());
            app.Run();
            """);

    /// <summary>The image test: the app answers, on the architecture DRYDOCK_IMAGE_PLATFORM names, and leaves what it saw beside its results.</summary>
    private const string ArchitectureTest = """
            [Fact]
            public async Task Answers_on_its_platform()
            {
                var platform = Environment.GetEnvironmentVariable("DRYDOCK_IMAGE_PLATFORM");
                await using var app = await image.StartAsync();
                Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                var architecture = await app.Http.GetStringAsync("/arch");
                File.WriteAllText(Path.Combine(Environment.GetEnvironmentVariable("DRYDOCK_RESULTS_DIRECTORY")!, "seen.txt"), $"{platform} {architecture} {image.Options.Image}");
                Assert.Equal(platform switch { "linux/amd64" => "X64", "linux/arm64" => "Arm64", _ => "unknown platform " + platform }, architecture);
            }
        """;

    [Theory]
    [MemberData(nameof(Oci.BothEngines), MemberType = typeof(Oci))]
    public async Task Every_platform_is_linted_loaded_and_tested(string engine)
    {
        _project.AddImageTests(ArchitectureTest);

        // Spelled as the SDK wants it: its per-RID builds get LocalRegistry too, and refuse 'podman'.
        var publish = _project.Publish($"-p:DrydockBaseRegistry={Paths.Registry}/multiarch", $"-p:LocalRegistry={char.ToUpperInvariant(engine[0])}{engine[1..]}");

        Assert.True(publish.Succeeded, publish.StandardOutput + publish.StandardError);
        Assert.Contains("warning DRY4008: linux/amd64: ", publish.StandardOutput);
        Assert.Contains("warning DRY4008: linux/arm64: ", publish.StandardOutput);
        var report = _project.Report();
        Assert.Equal(engine, (string?)report["runtime"]);
        var platforms = report["image"]!["platforms"]!.AsArray();
        Assert.Equal(2, platforms.Count);
        Assert.Contains(report["findings"]!.AsArray(), f => ((string)f!["message"]!).StartsWith("linux/arm64: ", StringComparison.Ordinal));
        Assert.True((bool)report["tested"]!);
        Assert.All(platforms, p => Assert.True((bool)p!["tested"]!));
        Assert.False((bool)platforms.Single(p => (string)p!["platform"]! == "linux/amd64")!["emulated"]!);
        Assert.True((bool)platforms.Single(p => (string)p!["platform"]! == "linux/arm64")!["emulated"]!);
        Assert.Contains("linux/arm64 tested under emulation in", publish.StandardOutput);
        // The time each platform's tests took (the emulated one's is what DrydockTestPlatforms=host saves).
        foreach (var line in publish.StandardOutput.Split('\n').Where(line => line.Contains(" tested ", StringComparison.Ordinal) && line.Contains("Drydock: linux/", StringComparison.Ordinal)))
        {
            log.WriteLine($"{engine}: {line.Trim()}");
        }

        // One result per platform, each from a test that ran against that platform's image (by its config digest) and saw its architecture.
        var tests = report["tests"]!.AsArray();
        Assert.Equal(["linux/amd64", "linux/arm64"], tests.Select(t => (string)t!["platform"]!).Order(StringComparer.Ordinal).ToArray());
        foreach (var test in tests)
        {
            log.WriteLine($"{engine}: {test!["platform"]}: the test run took {test["durationSeconds"]} s (TRX)");
            Assert.Equal(1, (int)test!["passed"]!);
            Assert.Equal(0, (int)test["failed"]!);
            var platform = platforms.Single(p => (string)p!["platform"]! == (string)test["platform"]!)!;
            var seen = File.ReadAllText(test["files"]!.AsArray().Select(f => (string)f!).Single(f => f.EndsWith("seen.txt", StringComparison.Ordinal)));
            Assert.Equal($"{platform["platform"]} {((string)platform["platform"]! == "linux/arm64" ? "Arm64" : "X64")} {platform["configDigest"]}", seen);
        }

        // The tags name the host's image, the one `run repository:tag` means here.
        Assert.Equal(
            ((string)platforms.Single(p => (string)p!["platform"]! == "linux/amd64")!["configDigest"]!).Replace("sha256:", "", StringComparison.Ordinal),
            Oci.Engine(engine, "image", "inspect", "--format", "{{.Id}}", $"{Repository}:main").StandardOutput.Trim().Replace("sha256:", "", StringComparison.Ordinal));
        Assert.Empty(Oci.TestContainersOf(_project, Repository));
        // The arm64 image is loaded by id: its name moved to the host's.
        _loaded.Add((engine, (string)platforms.Single(p => (string)p!["platform"]! == "linux/arm64")!["configDigest"]!));
        if (engine != "podman")
        {
            return;
        }

        // Only the host's platform, as asked; and DrydockRequireImageTests then stops the publish, naming the platform left untested.
        var hostOnly = _project.Publish($"-p:DrydockBaseRegistry={Paths.Registry}/multiarch", "-p:LocalRegistry=Podman", "-p:DrydockTestPlatforms=host", "-p:DrydockRequireImageTests=true");

        Assert.False(hostOnly.Succeeded);
        Assert.Contains("error DRY5008: ", hostOnly.StandardOutput);
        Assert.Contains("linux/arm64 was not (not tested: DrydockTestPlatforms=host", hostOnly.StandardOutput);
        var hostReport = _project.Report();
        Assert.True((bool)hostReport["tested"]!);
        Assert.Equal(["linux/amd64"], hostReport["tests"]!.AsArray().Select(t => (string)t!["platform"]!).ToArray());
        var arm = hostReport["image"]!["platforms"]!.AsArray().Single(p => (string)p!["platform"]! == "linux/arm64")!;
        Assert.False((bool)arm["tested"]!);
        Assert.StartsWith("not tested: DrydockTestPlatforms=host", (string?)arm["untested"], StringComparison.Ordinal);

        // Every platform again (the test cache has both), pushed: each platform's manifest gets its own platform's test result, the index every run.
        var pushed = _project.Publish($"-p:DrydockBaseRegistry={Paths.Registry}/multiarch", "-p:LocalRegistry=Podman", $"-p:ContainerRegistry={Paths.Registry}", "-p:DrydockRequireImageTests=true");

        Assert.True(pushed.Succeeded, pushed.StandardOutput);
        var pushReport = _project.Report();
        var digest = (string)pushReport["image"]!["digest"]!;
        Assert.True((bool)pushReport["push"]!["verified"]!);
        Assert.All(pushReport["tests"]!.AsArray(), t => Assert.True((bool)t!["cached"]!));
        using var http = new HttpClient();
        Assert.Equal(["linux/amd64", "linux/arm64"], (await TestResultPlatforms(http, digest)).Order(StringComparer.Ordinal).ToArray());
        foreach (var platform in pushReport["image"]!["platforms"]!.AsArray())
        {
            Assert.Equal([(string)platform!["platform"]!], await TestResultPlatforms(http, (string)platform["digest"]!));
        }

        // The index and every platform manifest each carry the three: test result, provenance, SBOM.
        foreach (var subject in pushReport["image"]!["platforms"]!.AsArray().Select(p => (string)p!["digest"]!).Prepend(digest))
        {
            Assert.Equal(
                ["https://cyclonedx.org/bom", "https://in-toto.io/attestation/test-result/v0.1", "https://slsa.dev/provenance/v1"],
                PredicateTypes(subject).Distinct().Order(StringComparer.Ordinal).ToArray());
        }

        // One platform now: a new image (an index of one), not the cached two-platform one.
        var narrowed = _project.Publish($"-p:DrydockBaseRegistry={Paths.Registry}/multiarch", "-p:LocalRegistry=Podman", "-p:ContainerRuntimeIdentifiers=linux-x64", "-p:DrydockTest=false");

        Assert.True(narrowed.Succeeded, narrowed.StandardOutput);
        Assert.Equal(["linux/amd64"], _project.Report()["image"]!["platforms"]!.AsArray().Select(p => (string)p!["platform"]!).ToArray());
        Assert.NotEqual((string?)report["image"]!["digest"], (string?)_project.Report()["image"]!["digest"]);
    }

    /// <summary>The predicate types of the attestations listed under <paramref name="subject"/>'s referrers tag (read with skopeo).</summary>
    private static IEnumerable<string> PredicateTypes(string subject) =>
        JsonNode.Parse(Oci.Checked("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{Paths.Registry}/{Repository}:sha256-{subject["sha256:".Length..]}"]).StandardOutput)!["manifests"]!
            .AsArray().Select(e => (string?)e!["annotations"]?["in-toto.io/predicate-type"] ?? (string?)e!["annotations"]?["dev.sigstore.bundle.predicateType"]).OfType<string>();

    /// <summary>The platforms of the test-result statements attached to <paramref name="subject"/> (found through the referrers tag with skopeo), each checked to name that subject.</summary>
    private static async Task<IReadOnlyList<string>> TestResultPlatforms(HttpClient http, string subject)
    {
        var referrers = JsonNode.Parse(Oci.Checked("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{Paths.Registry}/{Repository}:sha256-{subject["sha256:".Length..]}"]).StandardOutput)!;
        var platforms = new List<string>();
        foreach (var entry in referrers["manifests"]!.AsArray().Where(e => (string?)e!["annotations"]!["in-toto.io/predicate-type"] == "https://in-toto.io/attestation/test-result/v0.1"))
        {
            var artifact = JsonNode.Parse(Oci.Checked("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{Paths.Registry}/{Repository}@{entry!["digest"]}"]).StandardOutput)!;
            var statement = JsonNode.Parse(await http.GetStringAsync(new Uri($"http://{Paths.Registry}/v2/{Repository}/blobs/{artifact["layers"]![0]!["digest"]}")))!;
            Assert.Equal(subject["sha256:".Length..], (string?)statement["subject"]![0]!["digest"]!["sha256"]);
            Assert.Equal("PASSED", (string?)statement["predicate"]!["result"]);
            var configuration = statement["predicate"]!["configuration"]!.AsArray().Single(c => (string?)c!["name"] == "platform")!;
            platforms.Add((string)configuration["annotations"]!["platform"]!);
        }

        return platforms;
    }

    private readonly List<(string Engine, string Id)> _loaded = [];

    public void Dispose()
    {
        foreach (var (engine, id) in _loaded)
        {
            Oci.Engine(engine, "rmi", "--force", id);
        }

        LocalImages.RemoveEverywhere(Repository);
        LocalImages.RemoveEverywhere($"{Paths.Registry}/{Repository}");
        _project.Dispose();
    }
}
