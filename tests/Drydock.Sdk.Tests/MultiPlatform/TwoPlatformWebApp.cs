using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests.MultiPlatform;

/// <summary>
/// A web app for linux-x64 and linux-arm64 with image tests: every platform is linted (each finding
/// names its platform), the host's image is loaded and passes its tests, and a change of the RID list
/// is a new image, never "up to date".
/// </summary>
public sealed class TwoPlatformWebApp : IDisposable
{
    // One per test run: the registry outlives runs on a developer machine, and a commit tag never moves (DRY6012).
    private static readonly string Repository = "platform-tests/web-" + Guid.NewGuid().ToString("N")[..8];

    private readonly TestProject _project = TestProject.Create(
        "twoweb",
        properties: $"<ContainerRepository>{Repository}</ContainerRepository><ContainerRuntimeIdentifiers>linux-x64;linux-arm64</ContainerRuntimeIdentifiers><RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers><ContainerTestPort>8080</ContainerTestPort>",
        // More ports than DrydockMaxExposedPorts (2): a lint warning (DRY4008) on every platform.
        items: """<ContainerPort Include="8081" /><ContainerPort Include="8082" /><ContainerPort Include="8083" />""");

    [Fact]
    public void Every_platform_is_linted_and_the_host_image_is_tested()
    {
        _project.AddImageTests("""
                [Fact]
                public async Task Answers()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                }
            """);

        var publish = _project.Publish($"-p:DrydockBaseRegistry={Paths.Registry}/multiarch", "-p:LocalRegistry=Podman");

        Assert.True(publish.Succeeded, publish.StandardOutput + publish.StandardError);
        Assert.Contains("warning DRY4008: linux/amd64: ", publish.StandardOutput);
        Assert.Contains("warning DRY4008: linux/arm64: ", publish.StandardOutput);
        var report = _project.Report();
        Assert.Equal(2, report["image"]!["platforms"]!.AsArray().Count);
        Assert.Contains(report["findings"]!.AsArray(), f => ((string)f!["message"]!).StartsWith("linux/arm64: ", StringComparison.Ordinal));
        Assert.True((bool)report["tested"]!);
        var tests = report["tests"]!.AsArray().Single()!;
        Assert.Equal(1, (int)tests["passed"]!);
        Assert.Equal(0, (int)tests["failed"]!);

        // One platform now: a new image (an index of one), not the cached two-platform one.
        var narrowed = _project.Publish($"-p:DrydockBaseRegistry={Paths.Registry}/multiarch", "-p:LocalRegistry=Podman", "-p:ContainerRuntimeIdentifiers=linux-x64", "-p:DrydockTest=false");

        Assert.True(narrowed.Succeeded, narrowed.StandardOutput);
        Assert.Equal(["linux/amd64"], _project.Report()["image"]!["platforms"]!.AsArray().Select(p => (string)p!["platform"]!).ToArray());
        Assert.NotEqual((string?)report["image"]!["digest"], (string?)_project.Report()["image"]!["digest"]);
    }

    public void Dispose()
    {
        LocalImages.RemoveEverywhere(Repository);
        _project.Dispose();
    }
}
