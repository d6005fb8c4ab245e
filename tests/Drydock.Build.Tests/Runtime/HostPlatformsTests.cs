using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Runtime;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Runtime;

/// <summary>
/// Which platforms run here, over binfmt_misc directories written as the kernel prints them (the
/// qemu-aarch64 entry is this machine's own, as registered from qemu-user's binfmt.d file).
/// </summary>
public sealed class HostPlatformsTests : IDisposable
{
    private const string Aarch64 = """
        enabled
        interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
        flags: POF
        offset 0
        magic 7f454c460201010000000000000000000200b700
        mask ffffffffffffff00fffffffffffffffffeffffff

        """;

    private static readonly Platform Amd64 = new("linux", "amd64");
    private static readonly Platform Arm64 = new("linux", "arm64");
    private static readonly Platform S390x = new("linux", "s390x");

    private readonly TempDirectory _binfmt = new();

    private HostPlatforms Host() => new(Amd64, _binfmt.Path);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_binfmt.Path, name), text);

    [Fact]
    public void Support_HostPlatform_Native()
    {
        var support = Host().Support(Amd64 with { Variant = "v2" });

        Assert.Equal(new PlatformSupport(true, false, "runs natively (host linux/amd64)"), support);
    }

    [Fact]
    public void Support_Arm64WithQemuHandler_Emulated()
    {
        Write("status", "enabled\n");
        Write("register", "");
        Write("qemu-aarch64", Aarch64);

        var support = Host().Support(Arm64);

        Assert.True(support.Runnable);
        Assert.True(support.Emulated);
        Assert.Contains("qemu-aarch64: /usr/libexec/qemu-binfmt/aarch64-binfmt-P", support.Note);
    }

    [Fact]
    public void Support_HandlerFoundByMagicNotName()
    {
        Write("status", "enabled\n");
        Write("aarch64-anything", Aarch64);

        Assert.True(Host().Support(Arm64).Emulated);
    }

    [Fact]
    public void Support_S390xWithOnlyAnArm64Handler_CannotRunAndSaysWhy()
    {
        Write("status", "enabled\n");
        Write("qemu-aarch64", Aarch64);

        var support = Host().Support(S390x);

        Assert.False(support.Runnable);
        Assert.Equal($"cannot run here: no enabled binfmt_misc handler for s390x binaries in {_binfmt.Path}; register qemu-user-static to run it under emulation (docs/image-tests.md, \"Other platforms\")", support.Note);
    }

    [Fact]
    public void Support_DisabledHandler_CannotRun()
    {
        Write("status", "enabled\n");
        Write("qemu-aarch64", Aarch64.Replace("enabled", "disabled", StringComparison.Ordinal));

        Assert.False(Host().Support(Arm64).Runnable);
    }

    [Fact]
    public void Support_HandlerWithoutFixBinaryFlag_CannotRunInContainers()
    {
        Write("status", "enabled\n");
        Write("qemu-aarch64", Aarch64.Replace("flags: POF", "flags: P", StringComparison.Ordinal));

        var support = Host().Support(Arm64);

        Assert.False(support.Runnable);
        Assert.Contains("lacks the F (fix binary) flag", support.Note);
    }

    [Fact]
    public void Support_BinfmtNotMounted_CannotRunAndSaysSo()
    {
        var support = new HostPlatforms(Amd64, Path.Combine(_binfmt.Path, "absent")).Support(Arm64);

        Assert.False(support.Runnable);
        Assert.Contains("binfmt_misc is not mounted", support.Note);
    }

    [Fact]
    public void Support_EngineInAVm_OtherLinuxArchitecturesEmulated()
    {
        var support = new HostPlatforms(Arm64, Path.Combine(_binfmt.Path, "absent"), engineInVm: true).Support(Amd64);

        Assert.True(support.Runnable);
        Assert.True(support.Emulated);
        Assert.Contains("engine's VM", support.Note);
    }

    [Fact]
    public void Support_WindowsImage_NeedsAWindowsHost()
    {
        Write("status", "enabled\n");

        var support = Host().Support(new Platform("windows", "amd64"));

        Assert.False(support.Runnable);
        Assert.Contains("windows containers need a windows host", support.Note);
    }

    [Fact]
    public void Support_ThisMachine_AgreesWithItsBinfmtEntries()
    {
        // The real /proc/sys/fs/binfmt_misc: eng/base-images.sh registers qemu-aarch64 where it can.
        var registered = File.Exists("/proc/sys/fs/binfmt_misc/qemu-aarch64") && File.ReadAllText("/proc/sys/fs/binfmt_misc/qemu-aarch64").StartsWith("enabled", StringComparison.Ordinal);

        Assert.True(HostPlatforms.Current.Support(Platform.Host).Runnable);
        Assert.Equal(registered || Platform.Host == Arm64, HostPlatforms.Current.Support(Arm64).Runnable);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("all", true)]
    [InlineData(" Host ", false)]
    public void Choose_EmulatedPlatform_TestedUnlessHostOnly(string? value, bool tested)
    {
        var (test, note) = TestPlatforms.Choose(new PlatformSupport(true, true, "runs under emulation (x)"), value);

        Assert.Equal(tested, test);
        Assert.Equal(tested ? "runs under emulation (x)" : "not tested: DrydockTestPlatforms=host, though it runs under emulation (x)", note);
    }

    [Fact]
    public void Choose_NotRunnable_NotTestedWithTheReason() =>
        Assert.Equal((false, "cannot run here: why"), TestPlatforms.Choose(new PlatformSupport(false, false, "cannot run here: why"), "all"));

    [Fact]
    public void Choose_TestsOff_NotTestedSaysWhyAndHowItWouldRun() =>
        Assert.Equal((false, "not tested: DrydockTest=false; it runs natively (host linux/amd64)"),
            TestPlatforms.Choose(new HostPlatforms(Amd64, "/nonexistent").Support(Amd64), "all", "DrydockTest=false"));

    [Fact]
    public void Choose_UnknownValue_DRY2025()
    {
        var error = Assert.Throws<DrydockException>(() => TestPlatforms.Choose(new PlatformSupport(true, false, "native"), "native"));

        Assert.Equal(KnownCodes.InvalidTestPlatforms, error.Code);
        Assert.StartsWith("DrydockTestPlatforms is 'native'; set it to 'all'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImage_OnePlatformImage_UnknownTestPlatformsIsDRY2025Too()
    {
        using var temp = new TempDirectory();
        var archive = ImageNormalizer.Normalize(new Drydock.Build.Tests.Oci.SdkArchiveFixture().Write(Path.Combine(temp.Path, "sdk.tar")), Path.Combine(temp.Path, "image.tar"),
            new NormalizeOptions { Epoch = DateTimeOffset.UnixEpoch, Names = ["shop/api:1"] }).ArchivePath;
        var engine = new RecordingBuildEngine();

        var ok = new Drydock.Build.Tasks.ReadImage { BuildEngine = engine, Archive = archive, TestPlatforms = "native" }.Execute();

        Assert.False(ok);
        Assert.Equal(KnownCodes.InvalidTestPlatforms, Assert.Single(engine.Errors).Code);
    }

    public void Dispose() => _binfmt.Dispose();
}
