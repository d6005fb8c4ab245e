using Drydock.Processes;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// One archive, one digest, every engine: the normalized archive loads into Docker Engine 20.10 (which
/// reads only the docker-archive manifest.json) and into podman (which reads the OCI layout), both give
/// the image the archive's config digest as its id, skopeo reads the same manifest digest the report
/// records, and the image runs under Docker's vfs driver as the base image's non-root user.
/// </summary>
public sealed class EveryEngineLoads : IDisposable
{
    private const string Repository = "drydock-e2e/every-engine";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private readonly TestProject _project = TestProject.Create(
        "everyengine",
        sdk: "Microsoft.NET.Sdk",
        properties: $"<ContainerRepository>{Repository}</ContainerRepository><InvariantGlobalization>true</InvariantGlobalization>");

    [Fact]
    public void Docker_20_10_and_podman_load_the_archive_with_the_config_digest_as_image_id()
    {
        var publish = _project.Publish("-p:DrydockLoadImage=false", "-p:DrydockTest=false");
        Assert.True(publish.Succeeded, publish.StandardOutput);
        var report = _project.Report()["image"]!;
        var manifestDigest = (string)report["digest"]!;
        var configDigest = (string)report["configDigest"]!;
        var tag = (string)report["tags"]![0]!;

        Assert.Equal(manifestDigest, Oci.ManifestDigest(_project.ArchivePath));

        var load = Docker("load", "--input", _project.ArchivePath);
        Assert.True(load.Succeeded, load.StandardError);
        Assert.Equal(configDigest, Docker("image", "inspect", "--format", "{{.Id}}", $"{Repository}:{tag}").StandardOutput.Trim());
        var run = Docker("run", "--rm", "--network", "none", configDigest);
        Assert.True(run.Succeeded, run.StandardError);
        Assert.Equal("Hello from a Drydock test!", run.StandardOutput.Trim());

        var podmanLoad = Oci.Podman("load", "--input", _project.ArchivePath);
        Assert.True(podmanLoad.Succeeded, podmanLoad.StandardError);
        Assert.Equal(configDigest, "sha256:" + Oci.Podman("image", "inspect", "--format", "{{.Id}}", configDigest["sha256:".Length..]).StandardOutput.Trim());
    }

    public void Dispose()
    {
        var ids = Docker("images", "--quiet", "--no-trunc", Repository).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct()
            .ToArray();
        if (ids.Length > 0)
        {
            Docker(["rmi", "--force", .. ids]);
        }

        Oci.RemoveRepository(Repository);
        _project.Dispose();
    }

    private static ProcessResult Docker(params string[] arguments) =>
        ProcessRunner.Run("docker", arguments, Timeout, CancellationToken.None);
}
