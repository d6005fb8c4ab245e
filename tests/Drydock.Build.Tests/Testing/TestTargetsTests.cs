using Drydock.Build.Oci;
using Drydock.Build.Runtime;
using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Testing;

public sealed class TestTargetsTests
{
    [Fact]
    public void ForIndex_NativeFirstOnlyThoseToTestEachInItsOwnFolder()
    {
        IndexPlatform[] platforms =
        [
            new("linux/arm64", "sha256:c2", "sha256:m2", Test: true, Emulated: true, "runs under emulation"),
            new("linux/amd64", "sha256:c1", "sha256:m1", Test: true, Emulated: false, "runs natively"),
            new("linux/s390x", "sha256:c3", "sha256:m3", Test: false, Emulated: false, "cannot run here"),
        ];

        var targets = TestTargets.ForIndex(platforms, "/r");

        Assert.Equal(
            [
                new TestTarget("linux/amd64", "sha256:c1", "sha256:m1", Path.Combine("/r", "linux-amd64"), false),
                new TestTarget("linux/arm64", "sha256:c2", "sha256:m2", Path.Combine("/r", "linux-arm64"), true),
            ],
            targets);
    }

    [Fact]
    public void ForImage_PlatformThatCannotRunHere_NoTargetAndWhy()
    {
        using var binfmt = new TempDirectory();
        binfmt.Write("status", "enabled\n");

        var (targets, untested) = TestTargets.ForImage("linux/s390x", "sha256:c", "sha256:m", "/r", new HostPlatforms(new Platform("linux", "amd64"), binfmt.Path));

        Assert.Empty(targets);
        Assert.StartsWith("linux/s390x cannot run here: no enabled binfmt_misc handler for s390x binaries", untested, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("linux/amd64")]
    [InlineData(null)]
    public void ForImage_NativeOrUnknownPlatform_TheImageInTheResultsFolder(string? platform)
    {
        var (targets, untested) = TestTargets.ForImage(platform, "sha256:c", "sha256:m", "/r", new HostPlatforms(new Platform("linux", "amd64"), "/nonexistent"));

        Assert.Null(untested);
        Assert.Equal([new TestTarget(platform, "sha256:c", "sha256:m", "/r", false)], targets);
    }
}
