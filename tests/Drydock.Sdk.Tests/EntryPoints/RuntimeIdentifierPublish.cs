using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests.EntryPoints;

/// <summary>
/// `-r linux-x64` and `--os linux --arch x64`: the image is built for that RID (paths under the RID's
/// folders), and a change of runtime identifiers is a new image build, never "up to date".
/// </summary>
public sealed class RuntimeIdentifierPublish : IDisposable
{
    private readonly TestProject _project = TestProject.Create("ridapp", sdk: "Microsoft.NET.Sdk", properties: "<ContainerRepository>entry/ridapp</ContainerRepository>");

    [Fact]
    public void Rid_and_os_arch_publishes_build_the_image_for_that_platform()
    {
        var plain = _project.Publish("-p:LocalRegistry=Podman", "-p:DrydockLoadImage=false");
        Assert.True(plain.Succeeded, plain.StandardOutput);

        var rid = _project.Publish("-r", "linux-x64", "-p:LocalRegistry=Podman");

        Assert.True(rid.Succeeded, rid.StandardOutput + rid.StandardError);
        var archive = Path.Combine(_project.ProjectDirectory, "obj", "Release", "net10.0", "linux-x64", "drydock", "image.tar");
        var report = Path.Combine(_project.ProjectDirectory, "bin", "Release", "net10.0", "linux-x64", "drydock.json");
        Assert.True(File.Exists(archive) && File.Exists(report), rid.StandardOutput);
        var config = Oci.Config(archive);
        Assert.Equal("amd64", (string?)config["architecture"]);
        Assert.Equal("linux", (string?)config["os"]);
        Assert.Contains(Oci.ManifestDigest(archive), File.ReadAllText(report), StringComparison.Ordinal);

        var osArch = _project.Publish("--os", "linux", "--arch", "x64", "-p:LocalRegistry=Podman", "-v:d");

        Assert.True(osArch.Succeeded, osArch.StandardOutput);
        Assert.Contains("Skipping target \"DrydockBuildImage\" because all output files are up-to-date", osArch.StandardOutput);

        // The same publish folder with another container RID list is another image: not up to date.
        var retargeted = _project.Publish("-r", "linux-x64", "-p:ContainerRuntimeIdentifier=linux-x64", "-p:LocalRegistry=Podman", "-v:d");

        Assert.True(retargeted.Succeeded, retargeted.StandardOutput);
        Assert.Contains("Skipping target \"DrydockBuildImage\" because all output files are up-to-date", retargeted.StandardOutput);
        var other = _project.Publish("-r", "linux-x64", "-p:ContainerRuntimeIdentifiers=linux-x64", "-p:LocalRegistry=Podman", "-v:d");
        Assert.DoesNotContain("Skipping target \"DrydockBuildImage\" because all output files are up-to-date", other.StandardOutput);
    }

    public void Dispose()
    {
        LocalImages.RemoveEverywhere("entry/ridapp");
        _project.Dispose();
    }
}
