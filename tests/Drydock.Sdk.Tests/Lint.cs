using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// The hardening lint in the publish: coded findings that MSBuild's NoWarn, TreatWarningsAsErrors and
/// Drydock's per-rule severities govern, SARIF beside the report, and an error that stops the publish
/// before any test runs.
/// </summary>
public sealed class Lint : IDisposable
{
    private TestProject? _project;

    private string SarifPath => Path.Combine(Path.GetDirectoryName(_project!.ReportPath)!, "drydock.sarif");

    [Fact]
    public void An_app_that_needs_ICU_on_a_base_without_it_stops_before_its_tests()
    {
        _project = TestProject.Create("needsicu", program: TestApps.Web, properties: "<InvariantGlobalization>false</InvariantGlobalization>");
        _project.AddImageTests("""
                [Fact]
                public void Never_runs() => Assert.Fail("the lint should have stopped the publish");
            """);

        var publish = _project.Publish($"-p:ContainerBaseImage={Paths.Registry}/dotnet/aspnet:10.0-noble-chiseled");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.NoIcu}:", publish.StandardOutput);
        Assert.DoesNotContain("Never_runs", publish.StandardOutput);
        var report = _project.Report();
        Assert.False((bool)report["tested"]!);
        Assert.Contains(report["findings"]!.AsArray(), finding => (string?)finding!["code"] == KnownCodes.NoIcu);
        var results = JsonNode.Parse(File.ReadAllText(SarifPath))!["runs"]![0]!["results"]!.AsArray();
        Assert.Contains(results, result => (string?)result!["ruleId"] == KnownCodes.NoIcu && (string?)result["level"] == "error");
    }

    [Fact]
    public void A_warning_obeys_NoWarn_TreatWarningsAsErrors_and_DrydockLintRule()
    {
        // Development settings are advice (a note) unless the project asks for a warning.
        _project = TestProject.Create("devsettings", program: TestApps.Web, properties: "<DrydockWarnOnDevelopmentSettings>true</DrydockWarnOnDevelopmentSettings>");
        _project.WriteFile("devsettings/appsettings.Development.json", "{ \"Logging\": {} }");
        _project.Commit("Add development settings");

        var plain = _project.Publish("-p:DrydockLoadImage=false");
        Assert.True(plain.Succeeded, plain.StandardOutput);
        Assert.Contains($"warning {KnownCodes.DevelopmentFile}:", plain.StandardOutput);
        Assert.Contains("appsettings.Development.json", plain.StandardOutput);

        var silenced = _project.Publish("-p:DrydockLoadImage=false", $"-p:NoWarn={KnownCodes.DevelopmentFile}");
        Assert.True(silenced.Succeeded, silenced.StandardOutput);
        Assert.DoesNotContain(KnownCodes.DevelopmentFile, silenced.StandardOutput);

        var strict = _project.Publish("-p:DrydockLoadImage=false", "-p:TreatWarningsAsErrors=true");
        Assert.False(strict.Succeeded);
        Assert.Contains($"error {KnownCodes.DevelopmentFile}:", strict.StandardOutput);

        _project.WriteFile("devsettings/Directory.Build.targets", $"""
            <Project>
              <ItemGroup>
                <DrydockLintRule Include="{KnownCodes.DevelopmentFile}" Severity="error" />
              </ItemGroup>
            </Project>
            """);
        var escalated = _project.Publish("-p:DrydockLoadImage=false");
        Assert.False(escalated.Succeeded);
        Assert.Contains($"error {KnownCodes.DevelopmentFile}:", escalated.StandardOutput);
    }

    [Fact]
    public void Any_existing_archive_can_be_audited()
    {
        _project = TestProject.Create("audited", program: TestApps.Web);
        var publish = _project.Publish("-p:DrydockLoadImage=false", "-p:ContainerUser=root");
        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.RunsAsRoot}:", publish.StandardOutput);
        using var auditor = TestProject.Create("auditor", sdk: "Microsoft.NET.Sdk");

        var audit = auditor.DotNet("msbuild", "-restore", "-nologo", "-t:DrydockLintImage", $"-p:DrydockImageArchive={_project.ArchivePath}");

        Assert.False(audit.Succeeded);
        Assert.Contains($"error {KnownCodes.RunsAsRoot}:", audit.StandardOutput);
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
