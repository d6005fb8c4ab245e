using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>On GitHub Actions the publish appends a Markdown summary to $GITHUB_STEP_SUMMARY.</summary>
public sealed class StepSummary : IDisposable
{
    private readonly TestProject _project = TestProject.Create("summary");

    [Fact]
    public void Publish_appends_the_image_to_the_step_summary()
    {
        // A note whose advice holds an MSBuild snippet, which GitHub's renderer must not take for HTML.
        _project.WriteFile("summary/appsettings.Development.json", "{}");
        _project.Commit("Development settings");
        var summary = Path.Combine(_project.Root, "summary.md");
        File.WriteAllText(summary, "earlier step\n");
        _project.Environment["GITHUB_STEP_SUMMARY"] = summary;

        var publish = _project.Publish("-p:DrydockLoadImage=false");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var text = File.ReadAllText(summary);
        Assert.StartsWith("earlier step\n", text);
        Assert.Contains((string)_project.Report()["image"]!["digest"]!, text);
        Assert.Contains("### Drydock: `summary`", text);
        var advice = Assert.Single(text.Split('\n'), line => line.Contains("**DRY4005**", StringComparison.Ordinal));
        Assert.Matches("""^- note \*\*DRY4005\*\*: `[^`]*<Content Update="appsettings\.Development\.json" CopyToPublishDirectory="Never" />[^`]*`$""", advice);
    }

    public void Dispose() => _project.Dispose();
}
