using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests.EntryPoints;

/// <summary>
/// The SDK docs' command, `dotnet publish -t:PublishContainer`, runs Publish and then PublishContainer:
/// one image, Drydock's; a second run with nothing changed keeps it, and neither it nor a run after a code change
/// makes the SDK build an image of its own.
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
        Assert.DoesNotContain("Building image 'entry/sdkdocs'", again.StandardOutput);
        Assert.Equal(report["image"]!["digest"]!.ToString(), _project.Report()["image"]!["digest"]!.ToString());
        Assert.Equal([configDigest], LocalImages.Podman("entry/sdkdocs"));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_project.ArchivePath)!, "sdk-image.tar")));

        // A code change: Drydock makes the SDK's image again from the publish folder, and the SDK builds none at all.
        _project.WriteFile("sdkdocs/Program.cs", "System.Console.WriteLine(\"changed\");");
        _project.Commit("A code change", "2026-04-05T06:07:08Z");
        var changed = _project.Publish("-t:PublishContainer", "-p:LocalRegistry=Podman", "-v:d");

        Assert.True(changed.Succeeded, changed.StandardOutput);
        Assert.Contains("the SDK's last image is made again from them, without the SDK's image build", changed.StandardOutput);
        Assert.DoesNotContain("Building image 'entry/sdkdocs'", changed.StandardOutput);
        Assert.NotEqual(report["image"]!["digest"]!.ToString(), _project.Report()["image"]!["digest"]!.ToString());
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_project.ArchivePath)!, "sdk-image.tar")));
    }

    public void Dispose()
    {
        LocalImages.RemoveEverywhere("entry/sdkdocs");
        _project.Dispose();
    }
}
