using System.Diagnostics;
using System.Globalization;
using Drydock.Sdk.Tests.Support;
using Xunit.Abstractions;

namespace Drydock.Sdk.Tests;

/// <summary>
/// SIGINT (Ctrl+C) or SIGTERM (a CI runner cancelling a job) while the image's tests run: the publish
/// fails within seconds, leaves no process and no container of its run, and its report says
/// <c>cancelled: true</c>.
/// </summary>
public sealed class ImageTestsCancelled : IDisposable
{
    private readonly TestProject _project = TestProject.Create("cancelled", program: TestApps.Web);
    private readonly ITestOutputHelper _log;

    public ImageTestsCancelled(ITestOutputHelper log)
    {
        _log = log;
        // Another engine may answer on this machine (docker before 25 cannot load OCI archives): podman, explicitly.
        _project.Environment["LocalRegistry"] = "Podman";
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void A_stop_signal_during_the_tests_ends_the_run_and_leaves_a_cancelled_report(string signal)
    {
        _project.AddImageTests("""
                [Fact]
                public async Task Takes_its_time()
                {
                    await using var app = await image.StartAsync();
                    await Task.Delay(TimeSpan.FromMinutes(3));
                }
            """);
        var output = new System.Text.StringBuilder();
        using var publish = _project.StartPublish(output);
        string runId;
        var stopping = Stopwatch.StartNew();
        try
        {
            // Wait (bounded) until the test has its container running.
            var deadline = Stopwatch.StartNew();
            string? live;
            while ((live = LiveRun()) is null)
            {
                Assert.False(publish.HasExited, $"the publish ended before its tests started a container: {output}");
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), "no test container appeared within 3 minutes");
                Thread.Sleep(500);
            }

            runId = live;

            stopping.Restart();
            Assert.Equal(0, Signal(publish.Id, signal));
            Assert.True(publish.WaitForExit(TimeSpan.FromSeconds(60)), $"the publish did not stop within 60 s of SIG{signal}: {output}");
            publish.WaitForExit();
        }
        finally
        {
            if (!publish.HasExited)
            {
                publish.Kill(entireProcessTree: true);
            }
        }

        _log.WriteLine($"SIG{signal}: the publish ended {stopping.Elapsed.TotalSeconds:0.0} s after the signal, exit code {publish.ExitCode}");
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(30), $"the publish took {stopping.Elapsed.TotalSeconds:0} s to stop");
        // SIGTERM: the dotnet CLI exits (code 0 without Drydock); Drydock makes it wait for the cleanup and fail.
        Assert.True(publish.ExitCode != 0, $"exit code 0: {output}");
        Assert.Empty(ProcessesOfRun(runId));
        Assert.Empty(Oci.Podman("ps", "--all", "--quiet", "--filter", $"label=io.drydock.run={runId}").StandardOutput.Trim());
        Assert.Empty(Oci.TestContainersOf(_project));
        var report = _project.Report();
        Assert.True((bool)report["cancelled"]!, report.ToJsonString());
        Assert.False((bool)report["tested"]!);
        // One line says so, whether the signal or MSBuild's own cancellation (SIGINT brings both) arrives first.
        var cancelled = Assert.Single(output.ToString().Split('\n'), line => line.Contains("Drydock: cancelled", StringComparison.Ordinal));
        // A stop is no bug: no DRY2099 from a task that did not expect it (the test host started while the app compiled, too).
        Assert.DoesNotContain("DRY2099", output.ToString(), StringComparison.Ordinal);
        if (signal == "TERM")
        {
            Assert.Contains("cancelled (SIGTERM)", cancelled, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_killed_publish_still_has_its_test_run_bounded_by_DrydockTestRunTimeout()
    {
        _project.AddImageTests("""
                [Fact]
                public async Task Takes_its_time()
                {
                    await using var app = await image.StartAsync();
                    await Task.Delay(TimeSpan.FromMinutes(5));
                }
            """);
        var output = new System.Text.StringBuilder();
        using var publish = _project.StartPublish(output, "-p:DrydockTestRunTimeout=30s");
        string runId;
        try
        {
            var deadline = Stopwatch.StartNew();
            string? live;
            while ((live = LiveRun()) is null)
            {
                Assert.False(publish.HasExited, $"the publish ended before its tests started a container: {output}");
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), "no test container appeared within 3 minutes");
                Thread.Sleep(500);
            }

            runId = live;

            // kill -9: nothing of the publish runs any more, so only dotnet test itself can enforce the bound.
            publish.Kill();
            publish.WaitForExit();
        }
        finally
        {
            if (!publish.HasExited)
            {
                publish.Kill(entireProcessTree: true);
            }
        }

        try
        {
            var ended = Stopwatch.StartNew();
            while (ProcessesOfRun(runId).Length > 0 && ended.Elapsed < TimeSpan.FromSeconds(90))
            {
                Thread.Sleep(1000);
            }

            _log.WriteLine($"the orphaned test run ended {ended.Elapsed.TotalSeconds:0} s after the publish was killed; containers left: {Oci.Podman("ps", "--all", "--quiet", "--filter", $"label=io.drydock.run={runId}").StandardOutput.Trim().Length > 0}");
            Assert.Empty(ProcessesOfRun(runId));
        }
        finally
        {
            foreach (var pid in ProcessesOfRun(runId))
            {
                Process.GetProcessById(pid).Kill(entireProcessTree: true);
            }

            // A test host killed at the session timeout cannot remove its container; the next publish's sweep would.
            foreach (var container in Oci.Podman("ps", "--all", "--quiet", "--filter", $"label=io.drydock.run={runId}").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Oci.Podman("rm", "--force", container);
            }
        }
    }

    public void Dispose()
    {
        Oci.RemoveRepository("cancelled");
        _project.Dispose();
    }

    /// <summary>
    /// The run of a test container of this project whose processes live: a reproducible image has the same id in
    /// every checkout, and a container orphaned by a killed run elsewhere waits for the next publish's sweep.
    /// </summary>
    private string? LiveRun() =>
        Oci.TestContainersOf(_project).Select(RunIdOf).FirstOrDefault(run => run.Length > 0 && ProcessesOfRun(run).Length > 0);

    private static string RunIdOf(string container) =>
        Oci.Podman("inspect", "--format", "{{index .Config.Labels \"io.drydock.run\"}}", container).StandardOutput.Trim();

    /// <summary>Live processes whose environment carries <c>DRYDOCK_RUN_ID=runId</c>: dotnet test, the test host and what they started.</summary>
    private static int[] ProcessesOfRun(string runId)
    {
        var marker = $"DRYDOCK_RUN_ID={runId}";
        var found = new List<int>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "environ")).Split('\0').Contains(marker))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return [.. found];
    }

    private static int Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
