using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// A publish that stops before its image is built (here a <c>ContainerRegistry</c> with a scheme) leaves no
/// drydock.json rather than the previous publish's, which describes another image; and the registry is
/// Drydock's DRY2009, which says what to leave out, before the SDK's CONTAINER2012.
/// </summary>
public sealed class NoStaleReport : IDisposable
{
    private readonly TestProject _project = TestProject.Create("stale", program: TestApps.Web);

    [Fact]
    public void A_publish_stopped_before_the_image_leaves_no_report_of_another()
    {
        Assert.True(_project.Publish("-p:DrydockLoadImage=false", "-p:DrydockTest=false").Succeeded);
        Assert.True(File.Exists(_project.ReportPath));

        var publish = _project.Publish("-p:DrydockLoadImage=false", "-p:DrydockTest=false", $"-p:ContainerRegistry=http://{Paths.Registry}");

        Assert.False(publish.Succeeded);
        var error = Assert.Single(publish.StandardOutput.Split('\n'), line => line.Contains($"error {KnownCodes.InvalidRegistry}:", StringComparison.Ordinal));
        Assert.Contains("Leave out the scheme", error, StringComparison.Ordinal);
        Assert.DoesNotContain("CONTAINER2012", publish.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.ReportPath));
    }

    public void Dispose() => _project.Dispose();
}
