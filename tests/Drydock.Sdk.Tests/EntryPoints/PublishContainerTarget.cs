using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests.EntryPoints;

/// <summary>
/// The SDK docs' command, `dotnet publish -t:PublishContainer`, runs Publish and then PublishContainer:
/// one image, Drydock's; a second run with nothing changed keeps it and leaves no SDK archive behind.
/// </summary>
public sealed class PublishContainerTarget : IDisposable
{
    private readonly TestProject _project = TestProject.Create("sdkdocs", sdk: "Microsoft.NET.Sdk", properties: "<ContainerRepository>entry/sdkdocs</ContainerRepository>");

    [Fact]
    public void PublishContainer_goes_through_Drydock_once()
    {
        var publish = _project.Publish("-t:PublishContainer", "-p:LocalRegistry=Podman");

        Assert.True(publish.StandardOutput.Contains("Drydock: report", StringComparison.Ordinal) && publish.Succeeded, publish.StandardOutput + publish.StandardError);
        Assert.Single(publish.StandardOutput.Split('\n'), line => line.Contains("Building image 'entry/sdkdocs'", StringComparison.Ordinal));
        var report = _project.Report();
        var configDigest = ((string)report["image"]!["configDigest"]!).Replace("sha256:", "", StringComparison.Ordinal);
        Assert.Equal([configDigest], LocalImages.Podman("entry/sdkdocs"));
        Assert.Empty(LocalImages.Docker("entry/sdkdocs"));

        var again = _project.Publish("-t:PublishContainer", "-p:LocalRegistry=Podman", "-v:d");

        Assert.True(again.Succeeded, again.StandardOutput);
        Assert.Contains("Skipping target \"DrydockBuildImage\" because all output files are up-to-date", again.StandardOutput);
        Assert.Contains("the SDK's second archive above is discarded", again.StandardOutput);
        Assert.Equal(report["image"]!["digest"]!.ToString(), _project.Report()["image"]!["digest"]!.ToString());
        Assert.Equal([configDigest], LocalImages.Podman("entry/sdkdocs"));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_project.ArchivePath)!, "sdk-image.tar")));
    }

    public void Dispose()
    {
        LocalImages.RemoveEverywhere("entry/sdkdocs");
        _project.Dispose();
    }
}
