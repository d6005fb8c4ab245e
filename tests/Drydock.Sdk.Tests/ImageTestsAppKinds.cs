using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// A console app (dotnetapp's shape) with no port: its image tests run it to its exit and see a crash keep
/// its cause, the whole log is linked from the report, and the test project alone — as from an IDE, no
/// DRYDOCK_* variable — tests the image the publish recorded in its obj/drydock-image.json.
/// </summary>
public sealed class ImageTestsAppKinds : IDisposable
{
    private readonly TestProject _project = TestProject.Create("consoleapp", sdk: "Microsoft.NET.Sdk", program: """
        if (Environment.GetEnvironmentVariable("CRASH") is not null)
        {
            Console.Error.WriteLine("Couldn't find a valid ICU package installed on the system.");
            for (var frame = 0; frame < 80; frame++)
            {
                Console.Error.WriteLine($"   at Frame{frame}()");
            }

            return 134;
        }

        Console.WriteLine($"Hello, {(args.Length > 0 ? args[0] : "world")}!");
        return 0;
        """);

    public ImageTestsAppKinds() =>
        // Another engine may answer on this machine (docker before 25 cannot load OCI archives): podman, explicitly.
        _project.Environment["LocalRegistry"] = "Podman";

    [Fact]
    public void A_console_app_is_run_to_its_exit_its_crash_log_is_linked_and_the_IDE_tests_the_recorded_image()
    {
        _project.AddImageTests("""
                [Fact]
                public async Task Prints_and_exits_0()
                {
                    var exit = await image.RunToExitAsync(["Drydock"], TimeSpan.FromSeconds(60));
                    Assert.Equal(0, exit.ExitCode);
                    Assert.Equal("Hello, Drydock!\n", exit.StandardOutput);
                }

                [Fact]
                public async Task A_crash_keeps_its_cause()
                {
                    var failure = await Assert.ThrowsAsync<ContainerStartException>(() =>
                        image.StartAsync(o => { o.ReadyLogPattern = "^Started$"; o.Environment["CRASH"] = "1"; }));
                    Assert.Contains("Couldn't find a valid ICU package", failure.Message);
                    // The publish names a results folder for the whole log; a run from an IDE does not.
                    Assert.Equal(Environment.GetEnvironmentVariable("DRYDOCK_RESULTS_DIRECTORY") is null, failure.LogFile is null);
                }
            """);

        var publish = _project.Publish("-p:ContainerTestPort=none", "-v:d");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var tests = _project.Report()["tests"]![0]!;
        Assert.Equal(2, (int)tests["passed"]!);
        var log = Assert.Single(tests["files"]!.AsArray().Select(file => (string)file!));
        Assert.Matches(@"-[0-9a-f]{12}\.log$", log);
        Assert.StartsWith("Couldn't find a valid ICU package", File.ReadAllText(log), StringComparison.Ordinal);

        var testProject = Path.Combine(_project.Root, "consoleapp.ImageTests");
        var recorded = File.ReadAllText(Path.Combine(testProject, "obj", "drydock-image.json"));
        Assert.Contains($"\"revision\": \"{_project.Git("rev-parse", "HEAD")}\"", recorded, StringComparison.Ordinal);
        Assert.Contains("\"DRYDOCK_TEST_PORT\": \"none\"", recorded, StringComparison.Ordinal);

        // As from an IDE: the test project alone, no DRYDOCK_* variable.
        var ide = _project.Run("dotnet", ["test", "-c", "Release", "-nologo", "--logger", "console;verbosity=normal"], testProject);

        Assert.True(ide.Succeeded, ide.StandardOutput + ide.StandardError);
        Assert.Matches(@"Passed:\s+2\b", ide.StandardOutput);
        Assert.Contains($"Drydock.Testing: testing the image {((string)System.Text.Json.Nodes.JsonNode.Parse(recorded)!["image"]!)[7..19]} (podman)", ide.StandardOutput + ide.StandardError, StringComparison.Ordinal);
        Assert.Contains($"built from commit {_project.Git("rev-parse", "HEAD")[..12]}", ide.StandardOutput + ide.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_worker_is_ready_by_its_log_line_under_strict_read_only_from_the_profile_properties()
    {
        using var worker = TestProject.Create("workerapp", sdk: "Microsoft.NET.Sdk", program: """
            Console.WriteLine("info: workerapp.Worker[0]");
            Thread.Sleep(1000);
            Console.WriteLine("      Worker running at: " + DateTimeOffset.UtcNow.ToString("O"));
            Thread.Sleep(Timeout.Infinite);
            """);
        worker.Environment["LocalRegistry"] = "Podman";
        worker.AddImageTests("""
                [Fact]
                public async Task Ready_once_it_logged()
                {
                    await using var app = await image.StartAsync();
                    Assert.Contains("Worker running at:", await app.GetLogsAsync());
                    Assert.True((await app.GetStateAsync()).Running);
                    Assert.Null(app.Profile.Port);
                    Assert.False(app.Profile.Tmpfs);
                }
            """);

        try
        {
            var publish = worker.Publish("-p:ContainerTestPort=none", "-p:DrydockTestReadyLogPattern=Worker running at:", "-p:DrydockTestTmpfs=false", "-v:d");

            Assert.True(publish.Succeeded, publish.StandardOutput);
            Assert.Equal(1, (int)worker.Report()["tests"]![0]!["passed"]!);
            Assert.Contains("DRYDOCK_TEST_READY_LOG_PATTERN=Worker running at:", publish.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("DRYDOCK_TEST_TMPFS=false", publish.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            Oci.RemoveRepository("workerapp");
        }
    }

    public void Dispose()
    {
        Oci.RemoveRepository("consoleapp");
        _project.Dispose();
    }
}
