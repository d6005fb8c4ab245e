using Drydock.Build.Diagnostics;
using Drydock.Build.Runtime;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Runtime;

/// <summary>Against the machine's real podman (eng/setup.sh installs it; CONTAINERS_CONF comes from eng/env.sh).</summary>
public sealed class ContainerRuntimeTests
{
    [Fact]
    public void Detect_LocalRegistryPodman_UsesPodman()
    {
        var log = new ListBuildLog();

        var runtime = ContainerRuntime.Detect("Podman", log, CancellationToken.None);

        Assert.Equal("podman", runtime?.Command);
        Assert.Contains("Drydock: runtime=podman (from LocalRegistry)", log.Details);
    }

    [Fact]
    public void Detect_LocalRegistryUnknown_FailsWithDRY3004()
    {
        var error = Assert.Throws<DrydockException>(() => ContainerRuntime.Detect("Containerd", new ListBuildLog(), CancellationToken.None));

        Assert.Equal(KnownCodes.NoRuntime, error.Code);
        Assert.Contains("'Podman' or 'Docker'", error.Message);
    }

    [Fact]
    public void Detect_LocalRegistryDockerWithoutEngine_FailsWithDRY3004()
    {
        // This machine has at most a docker client: no engine answers 'docker version'.
        var error = Assert.Throws<DrydockException>(() => ContainerRuntime.Detect("Docker", new ListBuildLog(), CancellationToken.None));

        Assert.Equal(KnownCodes.NoRuntime, error.Code);
        Assert.Contains("DrydockLoadImage=false", error.Message);
    }

    [Fact]
    public void Load_ArchiveThatIsNoImage_FailsWithDRY3003()
    {
        using var temp = new TempDirectory();
        var archive = temp.Write("broken.tar", "this is not an image archive");
        var runtime = ContainerRuntime.Detect("Podman", new ListBuildLog(), CancellationToken.None)!;

        var error = Assert.Throws<DrydockException>(() =>
            runtime.Load(archive, "sha256:" + new string('0', 64), ["drydock-test/broken:1"], new ListBuildLog(), CancellationToken.None));

        Assert.Equal(KnownCodes.RuntimeLoadFailed, error.Code);
        Assert.Contains(archive, error.Message);
    }
}
