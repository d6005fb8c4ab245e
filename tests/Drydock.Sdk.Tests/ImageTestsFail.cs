using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// An image that fails its tests fails the publish with DRY5001, naming what went wrong: a failed
/// assertion, an OOM kill at start, a crash at start, an app that never becomes ready.
/// </summary>
public sealed class ImageTestsFail : IDisposable
{
    private TestProject? _project;

    [Fact]
    public void A_failing_test_fails_the_publish_and_the_report_says_which()
    {
        _project = TestProject.Create("failing", program: TestApps.Web);
        _project.AddImageTests("""
                [Fact]
                public async Task Greets_in_french()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Bonjour", await app.Http.GetStringAsync("/"));
                }

                [Fact]
                public async Task Answers()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/")).StatusCode);
                }
            """);

        var publish = _project.Publish();

        Assert.False(publish.Succeeded);
        // The error points at the user's project, not at Drydock's targets in the package cache.
        Assert.Contains($"{Path.Combine(_project.ProjectDirectory, _project.Name)}.csproj : error {KnownCodes.TestsFailed}:", publish.StandardOutput);
        Assert.Contains("ImageTests.Greets_in_french", publish.StandardOutput);
        Assert.DoesNotContain("ImageTests.Answers:", publish.StandardOutput);
        var tests = _project.Report()["tests"]![0]!;
        Assert.Equal(1, (int)tests["failed"]!);
        Assert.Equal(1, (int)tests["passed"]!);
        Assert.Equal("ImageTests.Greets_in_french", (string?)tests["failures"]![0]!["name"]);
        Assert.Empty(Oci.TestContainersOf(_project));

        // A failed image is never cached as passed.
        var again = _project.Publish();
        Assert.False(again.Succeeded);
        Assert.DoesNotContain("cached: this image already passed", again.StandardOutput);
    }

    [Fact]
    public void An_app_that_crashes_at_start_is_reported_with_its_exit_code_and_log()
    {
        // An app that needs ICU, on a base without it: .NET stops at start with a globalization error. The
        // non-ICU bases set DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true, as Microsoft's do; the test turns it off.
        _project = TestProject.Create("noicu", program: TestApps.Web, properties: "<InvariantGlobalization>false</InvariantGlobalization>");
        _project.AddImageTests("""
                [Fact]
                public async Task Starts()
                {
                    await using var app = await image.StartAsync(options => options.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "false");
                }
            """);

        // The lint would stop this before any test (DRY4010, see Lint.cs): here the crash itself is the point.
        var publish = _project.Publish($"-p:ContainerBaseImage={Paths.Registry}/dotnet/aspnet:10.0-noble-chiseled", "-p:DrydockLint=false");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.TestsFailed}:", publish.StandardOutput);
        Assert.Contains("exit code", publish.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("ICU", publish.StandardOutput);
    }

    [Fact]
    public void An_app_that_never_listens_fails_within_the_readiness_timeout()
    {
        _project = TestProject.Create("silent", sdk: "Microsoft.NET.Sdk", program: TestApps.NeverListens,
            properties: "<InvariantGlobalization>true</InvariantGlobalization>");
        _project.AddImageTests("""
                [Fact]
                public async Task Starts()
                {
                    await using var app = await image.StartAsync();
                }
            """);

        // The image exposes no port; the project says its app should listen on 8080.
        var publish = _project.Publish("-p:ContainerTestTimeout=3s", "-p:ContainerTestPort=8080");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.TestsFailed}:", publish.StandardOutput);
        Assert.Contains("working, but not listening", publish.StandardOutput);
        Assert.Empty(Oci.TestContainersOf(_project));
    }

    [Fact]
    public void A_test_project_that_does_not_build_stops_with_DRY5002()
    {
        _project = TestProject.Create("badtests", program: TestApps.Web);
        _project.AddImageTests("""
                [Fact]
                public void Broken() => ThisDoesNotCompile();
            """);

        var publish = _project.Publish();

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.TestBuildFailed}:", publish.StandardOutput);
        Assert.Contains("badtests.ImageTests", publish.StandardOutput);
    }

    [Fact]
    public void Tests_past_DrydockTestRunTimeout_are_stopped_with_DRY5004_and_leave_no_container()
    {
        _project = TestProject.Create("slowtests", program: TestApps.Web);
        _project.AddImageTests("""
                [Fact]
                public async Task Waits()
                {
                    await using var app = await image.StartAsync();
                    await Task.Delay(TimeSpan.FromMinutes(5));
                }
            """);

        var publish = _project.Publish("-p:DrydockTestRunTimeout=20s");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.TestRunTimedOut}:", publish.StandardOutput);
        Assert.Empty(Oci.TestContainersOf(_project));
    }

    [Fact]
    public void Tests_without_a_loaded_image_stop_with_DRY5005()
    {
        _project = TestProject.Create("unloaded", program: TestApps.Web);
        _project.AddImageTests("""
                [Fact]
                public void Nothing() { }
            """);

        var publish = _project.Publish("-p:DrydockLoadImage=false");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.TestNeedsRuntime}:", publish.StandardOutput);
        Assert.Contains("DrydockTest=false", publish.StandardOutput);
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
