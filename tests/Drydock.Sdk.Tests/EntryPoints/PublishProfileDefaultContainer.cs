using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests.EntryPoints;

/// <summary>
/// Visual Studio's "Publish → container" runs `dotnet publish -p:PublishProfile=DefaultContainer`:
/// the publish SDK calls PublishContainer before AfterPublish. The SDK must build exactly one image,
/// Drydock's, into obj/ (never loading its own), and Drydock's pipeline then stamps, loads and reports it.
/// </summary>
public sealed class PublishProfileDefaultContainer : IDisposable
{
    private readonly TestProject _project = TestProject.Create("vsprofile", properties: "<ContainerRepository>entry/vsprofile</ContainerRepository>");

    [Fact]
    public void Visual_Studio_container_publish_builds_one_stamped_image()
    {
        var publish = _project.Publish("-p:PublishProfile=DefaultContainer", "-p:LocalRegistry=Podman");

        Assert.True(publish.Succeeded, publish.StandardOutput + publish.StandardError);
        Assert.DoesNotContain("DRY3001", publish.StandardOutput);
        // The SDK built once, into Drydock's archive under obj/, with Drydock's tags (not `latest`).
        var built = publish.StandardOutput.Split('\n').Where(line => line.Contains("Building image 'entry/vsprofile'", StringComparison.Ordinal)).ToArray();
        Assert.Single(built);
        Assert.DoesNotContain("'latest'", built[0]);
        Assert.Contains("drydock/sdk-image.tar", publish.StandardOutput);

        var head = _project.Git("rev-parse", "HEAD");
        var labels = Oci.Config(_project.ArchivePath)["config"]!["Labels"]!;
        Assert.Equal(head, (string?)labels["org.opencontainers.image.revision"]);
        var report = _project.Report();
        Assert.Equal(Oci.ManifestDigest(_project.ArchivePath), (string?)report["image"]!["digest"]);

        // Only Drydock's image is in the local runtimes: the normalized one, by its config digest.
        var configDigest = ((string)report["image"]!["configDigest"]!).Replace("sha256:", "", StringComparison.Ordinal);
        Assert.Equal([configDigest], LocalImages.Podman("entry/vsprofile"));
        Assert.Empty(LocalImages.Docker("entry/vsprofile"));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_project.ArchivePath)!, "sdk-image.tar")));
    }

    [Fact]
    public void Visual_Studio_publish_on_build_reports_where_the_docs_say()
    {
        // What Visual Studio runs: a build with DeployOnBuild, whose web publish pipeline publishes into obj/…/PubTmp/Out/.
        var build = _project.DotNet("build", "-c", "Release", "-p:DeployOnBuild=true", "-p:PublishProfile=DefaultContainer", "-p:LocalRegistry=Podman", $"-p:DrydockBaseRegistry={Paths.Registry}");

        Assert.True(build.Succeeded, build.StandardOutput + build.StandardError);
        var report = _project.Report();
        Assert.Equal(_project.Git("rev-parse", "HEAD"), (string?)report["source"]!["revision"]);
        Assert.NotNull((string?)report["image"]!["digest"]);
        var output = Path.GetDirectoryName(_project.ReportPath)!;
        Assert.True(File.Exists(Path.Combine(output, "drydock.sarif")));
        Assert.True(File.Exists(Path.Combine(output, "drydock.sbom.cdx.json")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_project.ProjectDirectory, "obj"), "drydock.json", SearchOption.AllDirectories));
    }

    public void Dispose()
    {
        LocalImages.RemoveEverywhere("entry/vsprofile");
        _project.Dispose();
    }
}
