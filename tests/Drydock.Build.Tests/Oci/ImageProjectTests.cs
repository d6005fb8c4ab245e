using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;

namespace Drydock.Build.Tests.Oci;

public sealed class ImageProjectTests
{
    private static readonly ImageProjectFacts App = new() { EnableSdkContainerSupport = true };

    [Fact]
    public void SkipReason_App_Null() => Assert.Null(ImageProject.SkipReason(App));

    [Fact]
    public void SkipReason_TestProject_SaysIsTestProject() =>
        Assert.Contains("IsTestProject=true", ImageProject.SkipReason(App with { IsTestProject = true }));

    [Fact]
    public void SkipReason_ReferencesDrydockTesting_SaysImageTestProject() =>
        Assert.Contains("image-test project", ImageProject.SkipReason(App with { ReferencesDrydockTesting = true }));

    [Fact]
    public void SkipReason_NotPublishable_SaysIsPublishable() =>
        Assert.Contains("IsPublishable", ImageProject.SkipReason(App with { IsPublishable = false }));

    [Fact]
    public void SkipReason_LibraryWithoutContainerSupport_SaysEnableSdkContainerSupport() =>
        Assert.Contains("EnableSdkContainerSupport", ImageProject.SkipReason(new ImageProjectFacts()));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("OCI")]
    [InlineData("oci")]
    public void CheckImageFormat_EmptyOrOci_Oci(string? format) => Assert.Equal("OCI", ImageProject.CheckImageFormat(format));

    [Theory]
    [InlineData("Docker")]
    [InlineData("docker")]
    [InlineData("Zip")]
    public void CheckImageFormat_Other_Dry2020NamingTheValue(string format)
    {
        var e = Assert.Throws<DrydockException>(() => ImageProject.CheckImageFormat(format));

        Assert.Equal(KnownCodes.UnsupportedImageFormat, e.Code);
        Assert.Contains($"'{format}'", e.Message);
        Assert.DoesNotMatch("^DRY", e.Message);
    }
}
