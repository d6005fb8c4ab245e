using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// The test host starts while the app compiles and waits for the image (DRYDOCK_IMAGE_FACTS): the tests get the image
/// the publish built, and no test host outlives a publish that stopped before its image, or found its results cached.
/// A container a test disposes is only killed; the publish removes it with the run.
/// </summary>
public sealed class ImageTestsStartEarly : IDisposable
{
    private readonly TestProject _project = TestProject.Create("startearly", program: TestApps.Web);

    public ImageTestsStartEarly() => _project.Environment["LocalRegistry"] = "Podman";

    /// <summary>The test project's output folder: dotnet test, VSTest and the test host each name it on their command line.</summary>
    private string TestOutput => Path.Combine(_project.Root, "startearly.ImageTests", "bin", "Release", "net10.0");

    [Fact]
    public void The_test_host_started_before_the_compile_tests_the_image_the_publish_built()
    {
        _project.AddImageTests("""
                [Fact]
                public async Task Answers()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                    File.WriteAllText(Path.Combine(Environment.GetEnvironmentVariable("DRYDOCK_RESULTS_DIRECTORY")!, "image.txt"), image.Options.Image);
                }
            """);

        var publish = _project.Publish("-v:d");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var log = publish.StandardOutput;
        var started = log.IndexOf("startearly.ImageTests's test host while the app compiles", StringComparison.Ordinal);
        var compile = log.Split('\n').TakeWhile(line => !(line.Contains("Target \"CoreCompile\" in file", StringComparison.Ordinal) && line.Contains("/startearly/startearly.csproj\"", StringComparison.Ordinal)))
            .Sum(line => line.Length + 1);
        Assert.True(started >= 0 && compile > started && compile < log.Length, $"started at {started}, the app's CoreCompile at {compile}: {log}");
        var tests = _project.Report()["tests"]![0]!;
        Assert.Equal(1, (int)tests["passed"]!);
        Assert.False((bool)tests["cached"]!);
        // The image the test host got is the one this publish built, handed over after the load.
        var image = File.ReadAllText(Path.Combine(Path.GetDirectoryName(_project.ReportPath)!, "drydock-tests", "startearly.ImageTests", "image.txt"));
        Assert.Equal((string)_project.Report()["image"]!["configDigest"]!, image);
        Assert.Empty(Oci.TestContainersOf(_project));
        Assert.Empty(TestHostsOf(TestOutput));
    }

    [Fact]
    public void A_publish_that_does_not_compile_leaves_no_test_host()
    {
        _project.AddImageTests("""
                [Fact]
                public async Task Answers()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                }
            """);
        _project.WriteFile("startearly/Broken.cs", "internal static class Broken { void }");

        var publish = _project.Publish("-v:d");

        Assert.False(publish.Succeeded, publish.StandardOutput);
        Assert.Contains("startearly.ImageTests's test host while the app compiles", publish.StandardOutput);
        Assert.Contains("error CS", publish.StandardOutput);
        Assert.Empty(TestHostsOf(TestOutput));
        Assert.Empty(Oci.TestContainersOf(_project));
    }

    [Fact]
    public void A_cached_result_stops_the_test_host_it_started()
    {
        _project.AddImageTests("""
                [Fact]
                public async Task Answers()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                }
            """);
        Assert.True(_project.Publish().Succeeded);

        var again = _project.Publish("-v:d");

        Assert.True(again.Succeeded, again.StandardOutput);
        Assert.Contains("startearly.ImageTests's test host while the app compiles", again.StandardOutput);
        Assert.True((bool)_project.Report()["tests"]![0]!["cached"]!);
        Assert.Empty(TestHostsOf(TestOutput));
    }

    [Fact]
    public void Tests_that_read_the_image_variables_themselves_start_after_the_load()
    {
        _project.AddImageTests("""
                [Fact]
                public void Sees_the_image()
                {
                    Assert.StartsWith("sha256:", Environment.GetEnvironmentVariable("DRYDOCK_IMAGE"));
                }
            """);

        var publish = _project.Publish("-v:d");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.Contains("reads the image's variables itself", publish.StandardOutput);
        Assert.DoesNotContain("test host while the app compiles", publish.StandardOutput);
        Assert.Equal(1, (int)_project.Report()["tests"]![0]!["passed"]!);
    }

    [Fact]
    public void A_container_a_test_disposed_is_killed_and_the_publish_removes_it()
    {
        _project.AddImageTests("""
                [Fact]
                public async Task Disposes_its_app()
                {
                    var app = await image.StartAsync();
                    await app.DisposeAsync();
                    // Stopped behind the test (SIGKILL) and left for the publish, which removes the run's containers after the test host.
                    var status = "running";
                    for (var waited = System.Diagnostics.Stopwatch.StartNew(); status == "running" && waited.Elapsed < TimeSpan.FromSeconds(20); await Task.Delay(100))
                    {
                        var inspect = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("podman", ["inspect", "--type", "container", "--format", "{{.State.Status}}", app.Id]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                        status = inspect.StandardOutput.ReadToEnd().Trim();
                        inspect.WaitForExit();
                    }

                    // podman says stopped until its clean-up of the container is done, then exited; removed, it would say nothing.
                    Assert.Contains(status, new[] { "exited", "stopped" });
                }
            """);

        var publish = _project.Publish();

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.Equal(1, (int)_project.Report()["tests"]![0]!["passed"]!);
        Assert.Empty(Oci.TestContainersOf(_project));
    }

    /// <summary>The processes on this machine whose command line names <paramref name="output"/>.</summary>
    private static List<string> TestHostsOf(string output) =>
        [.. Directory.GetDirectories("/proc")
            .Where(directory => int.TryParse(Path.GetFileName(directory), out _))
            .Select(directory =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                }
                catch (IOException)
                {
                    return "";
                }
                catch (UnauthorizedAccessException)
                {
                    return "";
                }
            })
            .Where(commandLine => commandLine.Contains(output, StringComparison.Ordinal))];

    public void Dispose()
    {
        Oci.RemoveRepository("startearly");
        _project.Dispose();
    }
}
