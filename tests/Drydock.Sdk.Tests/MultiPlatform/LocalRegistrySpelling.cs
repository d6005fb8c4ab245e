using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests.MultiPlatform;

/// <summary>
/// <c>-p:LocalRegistry=podman</c> on a two-platform publish: the SDK's per-RID builds receive the value
/// unchanged and accept only <c>Podman</c>/<c>Docker</c>, so Drydock stops first with one DRY3004 that
/// names the spelling, instead of one CONTAINER2002 per RID.
/// </summary>
public sealed class LocalRegistrySpelling : IDisposable
{
    private readonly TestProject _project = TestProject.Create(
        "spelling",
        sdk: "Microsoft.NET.Sdk",
        properties: "<ContainerRuntimeIdentifiers>linux-x64;linux-arm64</ContainerRuntimeIdentifiers><RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers>",
        program: """System.Console.WriteLine("hello");""");

    [Fact]
    public void Lowercase_podman_is_one_DRY3004_naming_Podman()
    {
        var publish = _project.Publish($"-p:DrydockBaseRegistry={Paths.Registry}/multiarch", "-p:LocalRegistry=podman");

        Assert.False(publish.Succeeded);
        var error = Assert.Single(publish.StandardOutput.Split('\n'), line => line.Contains($"error {KnownCodes.NoRuntime}:", StringComparison.Ordinal));
        Assert.Contains("set LocalRegistry=Podman", error, StringComparison.Ordinal);
        Assert.DoesNotContain("CONTAINER2002", publish.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.ArchivePath));
    }

    [Fact]
    public void Lowercase_podman_is_DRY3004_also_when_the_image_is_up_to_date()
    {
        string[] build = [$"-p:DrydockBaseRegistry={Paths.Registry}/multiarch", "-p:DrydockLoadImage=false", "-p:DrydockTest=false"];
        Assert.True(_project.Publish([.. build, "-p:LocalRegistry=Podman"]).Succeeded);

        var publish = _project.Publish([.. build, "-p:LocalRegistry=podman"]);

        Assert.False(publish.Succeeded);
        Assert.Single(publish.StandardOutput.Split('\n'), line => line.Contains($"error {KnownCodes.NoRuntime}:", StringComparison.Ordinal));
    }

    public void Dispose() => _project.Dispose();
}
