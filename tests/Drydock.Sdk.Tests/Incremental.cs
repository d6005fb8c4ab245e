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

    [Fact]
    public void A_published_file_whose_content_changed_rebuilds_the_image_though_git_and_the_metadata_did_not()
    {
        // Untracked (the tree stays clean, the labels stay the same): only the file's content tells the publishes apart.
        _project.WriteFile("incremental/wwwroot/data.txt", "version 1");
        var first = _project.Publish();
        Assert.True(first.Succeeded, first.StandardOutput);
        var digest = (string)_project.Report()["image"]!["digest"]!;
        var again = _project.Publish("-v:d");
        Assert.True(again.Succeeded, again.StandardOutput);
        Assert.Contains("Skipping target \"DrydockBuildImage\" because all output files are up-to-date", again.StandardOutput);

        // Same size, other content: the image is rebuilt.
        _project.WriteFile("incremental/wwwroot/data.txt", "version 2");
        var changed = _project.Publish();

        Assert.True(changed.Succeeded, changed.StandardOutput);
        Assert.NotEqual(digest, (string)_project.Report()["image"]!["digest"]!);
    }

    public void Dispose()
    {
        Oci.RemoveRepository("incremental");
        _project.Dispose();
    }
}
