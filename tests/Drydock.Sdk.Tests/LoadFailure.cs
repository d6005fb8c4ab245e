using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// <c>LocalRegistry=Docker</c> whose engine does not answer (DOCKER_HOST at a socket nobody serves): the
/// publish stops with one DRY3004, and drydock.json is this publish's (the new image, not tested), not
/// the report an earlier publish left.
/// </summary>
public sealed class LoadFailure : IDisposable
{
    private readonly TestProject _project = TestProject.Create("loadfail", program: TestApps.Web);

    [Fact]
    public void An_engine_that_does_not_answer_is_DRY3004_and_the_report_is_this_publishs()
    {
        Assert.True(_project.Publish("-p:DrydockLoadImage=false", "-p:DrydockTest=false").Succeeded);
        var before = (string?)_project.Report()["image"]!["digest"];
        _project.WriteFile("loadfail/Program.cs", TestApps.Web.Replace("Hello", "Hello again", StringComparison.Ordinal));
        _project.Commit("change");
        _project.Environment["DOCKER_HOST"] = "unix:///nonexistent/docker.sock";

        var publish = _project.Publish("-p:LocalRegistry=Docker", "-p:DrydockTest=false");

        Assert.False(publish.Succeeded);
        Assert.Single(publish.StandardOutput.Split('\n'), line => line.Contains($"error {KnownCodes.NoRuntime}:", StringComparison.Ordinal));
        var report = _project.Report();
        Assert.Equal(Oci.ManifestDigest(_project.ArchivePath), (string?)report["image"]!["digest"]);
        Assert.NotEqual(before, (string?)report["image"]!["digest"]);
        Assert.False((bool)report["tested"]!);
    }

    public void Dispose() => _project.Dispose();
}
