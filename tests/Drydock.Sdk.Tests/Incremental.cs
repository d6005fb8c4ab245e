using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>A republish with nothing changed does not rebuild the image; a change does.</summary>
public sealed class Incremental : IDisposable
{
    private readonly TestProject _project = TestProject.Create("incremental");

    [Fact]
    public void Republish_skips_the_image_until_something_changes()
    {
        var first = _project.Publish();
        Assert.True(first.Succeeded, first.StandardOutput);
        var written = File.GetLastWriteTimeUtc(_project.ArchivePath);
        var digest = (string)_project.Report()["image"]!["digest"]!;

        var second = _project.Publish("-v:d");

        Assert.True(second.Succeeded, second.StandardOutput);
        Assert.Contains("Skipping target \"DrydockBuildImage\" because all output files are up-to-date", second.StandardOutput);
        Assert.Contains("not loading again", second.StandardOutput);
        Assert.Equal(written, File.GetLastWriteTimeUtc(_project.ArchivePath));
        Assert.Equal(digest, (string)_project.Report()["image"]!["digest"]!);

        _project.WriteFile("incremental/Program.cs", """
            var app = WebApplication.CreateSlimBuilder(args).Build();
            app.MapGet("/", () => "Changed!");
            app.Run();
            """);
        _project.Commit("Change the greeting", "2026-03-04T05:06:07Z");
        var third = _project.Publish();

        Assert.True(third.Succeeded, third.StandardOutput);
        Assert.NotEqual(digest, (string)_project.Report()["image"]!["digest"]!);
    }

    public void Dispose()
    {
        Oci.RemoveRepository("incremental");
        _project.Dispose();
    }
}
