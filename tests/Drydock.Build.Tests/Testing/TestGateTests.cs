using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;
using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Testing;

public sealed class TestGateTests
{
    private static readonly TestRunResult Passed = new() { Project = "Shop.ImageTests", Passed = 2, Failed = 0, Skipped = 0, DurationSeconds = 1 };

    private static readonly TestRunResult Failed = new()
    {
        Project = "Shop.ImageTests",
        Passed = 1,
        Failed = 1,
        Skipped = 0,
        DurationSeconds = 1,
        Failures = [new FailedTest("ImageTests.Greets", "Assert.Equal() Failure\nExpected: Bonjour")],
        Trx = "/r/Shop.ImageTests.trx",
    };

    [Fact]
    public void Check_PassedTests_NoErrorNoWarning()
    {
        var log = new ListBuildLog();

        TestGate.Check(new TestGateInputs { ImageDigest = "sha256:1", Results = [Passed], Tested = true, TestProjects = 1, PushTarget = "r/shop" }, log);

        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void Check_FailedTest_DRY5001NamesTheTestAndTheTrx()
    {
        var error = Assert.Throws<DrydockException>(() =>
            TestGate.Check(new TestGateInputs { ImageDigest = "sha256:1", ImageId = "sha256:d84caf4fc7770123", Results = [Failed], Tested = true, TestProjects = 1 }, new ListBuildLog()));

        Assert.Equal(KnownCodes.TestsFailed, error.Code);
        // The tests name the image by its id, as `podman images` lists it.
        Assert.Contains("The image sha256:1 (image id d84caf4fc777,", error.Message);
        Assert.Contains("ImageTests.Greets: Assert.Equal() Failure | Expected: Bonjour", error.Message);
        Assert.Contains("/r/Shop.ImageTests.trx", error.Message);
    }

    [Fact]
    public void Check_FailedOnOnePlatform_DRY5001NamesThatPlatform()
    {
        var error = Assert.Throws<DrydockException>(() =>
            TestGate.Check(new TestGateInputs { ImageDigest = "sha256:1", Results = [Passed with { Platform = "linux/amd64" }, Failed with { Platform = "linux/arm64" }], Tested = true, TestProjects = 1 }, new ListBuildLog()));

        Assert.Contains("Shop.ImageTests (linux/arm64): 1 failed", error.Message);
        Assert.DoesNotContain("linux/amd64", error.Message);
    }

    [Fact]
    public void Check_FailedTestWithFiles_DRY5001LinksThem()
    {
        var error = Assert.Throws<DrydockException>(() =>
            TestGate.Check(new TestGateInputs { ImageDigest = "sha256:1", Results = [Failed with { Files = ["/r/Shop.ImageTests/app.log"] }], Tested = true, TestProjects = 1 }, new ListBuildLog()));

        Assert.Contains("files: /r/Shop.ImageTests/app.log", error.Message);
    }

    [Fact]
    public void Check_StoppedRun_DRY5007EvenWhenWhatRanPassed()
    {
        var error = Assert.Throws<DrydockException>(() =>
            TestGate.Check(new TestGateInputs { ImageDigest = "sha256:1", Results = [Passed], StoppedBy = "SIGTERM", TestProjects = 2 }, new ListBuildLog()));

        Assert.Equal(KnownCodes.TestsCancelled, error.Code);
        Assert.Contains("SIGTERM", error.Message);
        Assert.Contains("cancelled: true", error.Message);
    }

    [Theory]
    [InlineData(0, true, "no ContainerTestProject", "Add a ContainerTestProject item with tests of the image (see docs/image-tests.md)")]
    [InlineData(1, false, "DrydockTest=false", "Publish without DrydockTest=false to run the project's image tests")]
    public void Check_UntestedPush_DRY5050WarningSaysWhyAndWhatToDo(int projects, bool enabled, string why, string fix)
    {
        var log = new ListBuildLog();

        TestGate.Check(new TestGateInputs { ImageDigest = "sha256:1", TestProjects = projects, TestsEnabled = enabled, PushTarget = "localhost:5000/shop" }, log);

        var (code, message) = Assert.Single(log.Warnings);
        Assert.Equal(KnownCodes.UntestedPush, code);
        Assert.Contains(why, message);
        Assert.Contains(fix, message);
        Assert.Contains("localhost:5000/shop", message);
    }

    /// <summary>Under TreatWarningsAsErrors the push never starts: the text says so, and does not offer a switch already in effect.</summary>
    [Fact]
    public void Check_UntestedPushAsAnError_SaysNothingIsPushed()
    {
        var log = new ListBuildLog();

        TestGate.Check(new TestGateInputs { ImageDigest = "sha256:1", TestProjects = 1, TestsEnabled = false, PushTarget = "localhost:5000/shop", UntestedPushIsError = true }, log);

        var (code, message) = Assert.Single(log.Warnings);
        Assert.Equal(KnownCodes.UntestedPush, code);
        Assert.Contains("nothing is pushed to localhost:5000/shop", message);
        Assert.Contains("Publish without DrydockTest=false", message);
        Assert.Contains("WarningsNotAsErrors", message);
        Assert.DoesNotContain("untested:", message);
        Assert.DoesNotContain("DrydockRequireImageTests", message);
    }

    [Fact]
    public void Check_UntestedLocalImage_NoWarning()
    {
        var log = new ListBuildLog();

        TestGate.Check(new TestGateInputs { ImageDigest = "sha256:1" }, log);

        Assert.Empty(log.Warnings);
    }

    [Theory]
    [InlineData("localhost:5000/shop")]
    [InlineData(null)]
    public void Check_UntestedWithRequireImageTests_DRY5008(string? target)
    {
        var log = new ListBuildLog();

        var error = Assert.Throws<DrydockException>(() =>
            TestGate.Check(new TestGateInputs { ImageDigest = "sha256:1", PushTarget = target, RequireTests = true }, log));

        Assert.Equal(KnownCodes.TestsRequired, error.Code);
        Assert.Contains("DrydockRequireImageTests", error.Message);
        Assert.Contains("ContainerTestProject", error.Message);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void Check_PlatformThatCannotRun_TestedWithoutWarningOrError()
    {
        var log = new ListBuildLog();

        TestGate.Check(new TestGateInputs
        {
            ImageDigest = "sha256:1", Results = [Passed with { Platform = "linux/amd64" }], Tested = true, TestProjects = 1, PushTarget = "r/shop",
            UntestedPlatforms = [("linux/s390x", "cannot run here: no enabled binfmt_misc handler for s390x binaries")],
        }, log);

        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void Check_PlatformThatCannotRunWithRequireImageTests_DRY5008NamesItAndWhy()
    {
        var error = Assert.Throws<DrydockException>(() => TestGate.Check(new TestGateInputs
        {
            ImageDigest = "sha256:1", Results = [Passed with { Platform = "linux/amd64" }], Tested = true, TestProjects = 1, RequireTests = true,
            UntestedPlatforms = [("linux/s390x", "cannot run here: no enabled binfmt_misc handler for s390x binaries")],
        }, new ListBuildLog()));

        Assert.Equal(KnownCodes.TestsRequired, error.Code);
        Assert.Contains("linux/s390x was not (cannot run here: no enabled binfmt_misc handler for s390x binaries)", error.Message);
        Assert.Contains("qemu-user-static", error.Message);
    }

    [Fact]
    public void Check_SinglePlatformImageThatCannotRun_DRY5050SaysWhy()
    {
        var log = new ListBuildLog();

        TestGate.Check(new TestGateInputs
        {
            ImageDigest = "sha256:1", TestProjects = 1, PushTarget = "r/shop",
            UntestedWhy = "linux/s390x cannot run here: no enabled binfmt_misc handler for s390x binaries",
        }, log);

        var (code, message) = Assert.Single(log.Warnings);
        Assert.Equal(KnownCodes.UntestedPush, code);
        Assert.Contains("untested: linux/s390x cannot run here: no enabled binfmt_misc handler", message);
    }

    [Fact]
    public void Check_IndexWithNoPlatformThatRunsHere_DRY5008NamesEachPlatformAndWhy()
    {
        var error = Assert.Throws<DrydockException>(() => TestGate.Check(new TestGateInputs
        {
            ImageDigest = "sha256:1", TestProjects = 1, RequireTests = true,
            UntestedPlatforms = [("linux/s390x", "cannot run here: no enabled binfmt_misc handler for s390x binaries")],
        }, new ListBuildLog()));

        Assert.Equal(KnownCodes.TestsRequired, error.Code);
        Assert.Contains("(no platform of the index was tested: linux/s390x: cannot run here: no enabled binfmt_misc handler for s390x binaries)", error.Message);
    }
}
