using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>On GitHub Actions the publish appends a Markdown summary to $GITHUB_STEP_SUMMARY.</summary>
public sealed class StepSummary : IDisposable
{
    private readonly TestProject _project = TestProject.Create("summary");

    [Fact]
    public void Publish_appends_the_image_to_the_step_summary()
    {
        var summary = Path.Combine(_project.Root, "summary.md");
        File.WriteAllText(summary, "earlier step\n");
        _project.Environment["GITHUB_STEP_SUMMARY"] = summary;

        var publish = _project.Publish("-p:DrydockLoadImage=false");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var text = File.ReadAllText(summary);
        Assert.StartsWith("earlier step\n", text);
        Assert.Contains((string)_project.Report()["image"]!["digest"]!, text);
        Assert.Contains("### Drydock: `summary`", text);
    }

    public void Dispose() => _project.Dispose();
}
