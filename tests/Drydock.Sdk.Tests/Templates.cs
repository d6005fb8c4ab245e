using System.Text.Json.Nodes;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// A warning means the user has something to do: the SDK's templates, fresh from <c>dotnet new</c>, with the
/// package added and <c>TreatWarningsAsErrors</c> on (as most repositories have it), publish with no DRY
/// warning, their image loaded. What is advice (the SDK's default base by tag, <c>appsettings.Development.json</c>,
/// a credential-free <c>NuGet.config</c>) is a note in the SARIF and the report. One publish per template.
/// </summary>
public sealed class Templates : IDisposable
{
    private TestProject? _project;

    [Theory]
    [InlineData("web", "")]
    [InlineData("webapi", "")]
    [InlineData("worker", "")]
    [InlineData("grpc", "")]
    [InlineData("mvc", "")]
    [InlineData("webapp", "")]
    [InlineData("blazor", "")]
    // Native AOT: the binary's split symbols (app.dbg) in the publish folder.
    [InlineData("webapiaot", "")]
    // The console template has no container support of its own: the SDK's switch turns it on.
    [InlineData("console", "<EnableSdkContainerSupport>true</EnableSdkContainerSupport>")]
    public void A_fresh_template_publishes_with_no_warning_under_TreatWarningsAsErrors(string template, string properties)
    {
        _project = TestProject.FromTemplate(template, $"tpl{template}", properties);

        var publish = _project.Publish();

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.DoesNotContain(publish.StandardOutput.Split('\n'), line => line.Contains(": warning DRY", StringComparison.Ordinal) || line.Contains(": error DRY", StringComparison.Ordinal));
        var report = _project.Report();
        Assert.NotNull((string?)report["runtime"]); // the image was loaded
        var notes = Notes(report["findings"]!.AsArray(), "code", "defaultSeverity");
        var sarif = JsonNode.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(_project.ReportPath)!, "drydock.sarif")))!;
        var sarifNotes = Notes(sarif["runs"]![0]!["results"]!.AsArray(), "ruleId", "level");
        Assert.Equal(notes, sarifNotes);
        Assert.Contains("DRY4012", notes); // the SDK's default base, a tag
        if (template == "webapiaot")
        {
            Assert.Contains("DRY4015", notes); // Native AOT's split symbols, which the template publishes
        }

        if (template != "console")
        {
            // appsettings.Development.json, and the NuGet.config the web and worker SDKs publish as content.
            Assert.Contains("DRY4005", notes);
        }
    }

    /// <summary>The codes of the findings, every one of which must be a note.</summary>
    private static List<string> Notes(JsonArray findings, string code, string level)
    {
        Assert.All(findings, finding => Assert.Equal("note", (string?)finding![level]));
        return [.. findings.Select(finding => (string)finding![code]!).Distinct().Order(StringComparer.Ordinal)];
    }

    public void Dispose()
    {
        if (_project is not null)
        {
            Oci.RemoveRepository(_project.Name);
            _project.Dispose();
        }
    }
}
