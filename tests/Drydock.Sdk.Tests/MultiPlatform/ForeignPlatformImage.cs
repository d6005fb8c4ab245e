using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests.MultiPlatform;

/// <summary>
/// A single-platform image of another architecture (<c>-r linux-arm64</c> on this x64 machine): its image
/// tests run under emulation (eng/base-images.sh registers qemu-user-static), with DRYDOCK_IMAGE_PLATFORM set.
/// </summary>
public sealed class ForeignPlatformImage : IDisposable
{
    private static readonly string Repository = "platform-tests/foreign-" + Guid.NewGuid().ToString("N")[..8];

    private readonly TestProject _project = TestProject.Create(
        "foreign",
        properties: $"<ContainerRepository>{Repository}</ContainerRepository>",
        program: """
            var app = WebApplication.CreateSlimBuilder(args).Build();
            app.MapGet("/arch", () => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString());
            app.Run();
            """);

    [Fact]
    public void An_arm64_image_is_tested_under_emulation()
    {
        Assert.True(File.Exists("/proc/sys/fs/binfmt_misc/qemu-aarch64"), "eng/setup.sh registers qemu-user-static for arm64 (eng/base-images.sh)");
        _project.AddImageTests("""
                [Fact]
                public async Task Runs_on_arm64()
                {
                    Assert.Equal("linux/arm64", Environment.GetEnvironmentVariable("DRYDOCK_IMAGE_PLATFORM"));
                    await using var app = await image.StartAsync();
                    Assert.Equal("Arm64", await app.Http.GetStringAsync("/arch"));
                }
            """);

        var publish = _project.Publish($"-p:DrydockBaseRegistry={Paths.Registry}/multiarch", "-p:LocalRegistry=Podman", "-r", "linux-arm64");

        Assert.True(publish.Succeeded, publish.StandardOutput + publish.StandardError);
        var report = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_project.ProjectDirectory, "bin", "Release", "net10.0", "linux-arm64", "drydock.json")))!;
        Assert.True((bool)report["tested"]!);
        Assert.Equal(1, (int)report["tests"]![0]!["passed"]!);
        Assert.Equal("linux/arm64", (string?)report["tests"]![0]!["platform"]);
        Assert.Contains("Drydock: linux/arm64 tested under emulation in", publish.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("arm64", (string?)Oci.Config(Path.Combine(_project.ProjectDirectory, "obj", "Release", "net10.0", "linux-arm64", "drydock", "image.tar"))["architecture"]);
    }

    public void Dispose()
    {
        LocalImages.RemoveEverywhere(Repository);
        _project.Dispose();
    }
}
