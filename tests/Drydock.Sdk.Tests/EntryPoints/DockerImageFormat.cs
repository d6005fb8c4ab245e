using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests.EntryPoints;

/// <summary>
/// `-p:ContainerImageFormat=Docker` is refused with DRY2020 before anything is built, never replaced
/// by OCI without a word; nothing reaches a local runtime.
/// </summary>
public sealed class DockerImageFormat : IDisposable
{
    private readonly TestProject _project = TestProject.Create("dockerfmt", sdk: "Microsoft.NET.Sdk", properties: "<ContainerRepository>entry/dockerfmt</ContainerRepository>");

    [Fact]
    public void Docker_format_is_refused_with_the_reason()
    {
        var publish = _project.Publish("-p:ContainerImageFormat=Docker", "-p:LocalRegistry=Podman");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.UnsupportedImageFormat}: ContainerImageFormat is 'Docker'", publish.StandardOutput);
        Assert.False(File.Exists(_project.ArchivePath));
        Assert.Empty(LocalImages.Podman("entry/dockerfmt"));

        var oci = _project.Publish("-p:ContainerImageFormat=OCI", "-p:LocalRegistry=Podman", "-p:DrydockLoadImage=false");

        Assert.True(oci.Succeeded, oci.StandardOutput);
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", (string?)Oci.Manifest(_project.ArchivePath)["mediaType"]);
    }

    public void Dispose()
    {
        LocalImages.RemoveEverywhere("entry/dockerfmt");
        _project.Dispose();
    }
}
