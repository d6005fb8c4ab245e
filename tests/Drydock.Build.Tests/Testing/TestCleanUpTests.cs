using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;
using Drydock.Runtime;

namespace Drydock.Build.Tests.Testing;

/// <summary>
/// Against the machine's real podman (eng/setup.sh) and the offline redis image in the loopback registry: the removal of
/// a test run that the publish leaves running behind its last steps.
/// </summary>
public sealed class TestCleanUpTests
{
    private readonly string _runId = "cleanup-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public void Wait_ReturnsOnceTheRunsContainersAreGone_WithItsSecondsAndWhatItRemoved()
    {
        Start(_runId);
        Start(_runId);
        Start("other-" + _runId);
        var log = new ListBuildLog();
        try
        {
            var cleanUp = TestCleanUp.Start(ContainerEngine.Named("podman", null, Environment.GetEnvironmentVariable), _runId);
            var seconds = cleanUp.Wait(log);

            Assert.Empty(Podman.ContainersOfRun(_runId));
            Assert.Single(Podman.ContainersOfRun("other-" + _runId));
            Assert.InRange(seconds, 0.001, 300);
            Assert.Contains(log.Details, line => line.Contains($"removed 2 container(s) and network(s) left by run {_runId}", StringComparison.Ordinal));
            // Logged once, however often the report and the build's end wait.
            cleanUp.Wait(log);
            Assert.Single(log.Details, line => line.Contains(_runId, StringComparison.Ordinal) && line.Contains("left by run", StringComparison.Ordinal));
        }
        finally
        {
            Podman.Run(["rm", "--force", "--time", "0", .. Podman.ContainersOfRun(_runId), .. Podman.ContainersOfRun("other-" + _runId)]);
        }
    }

    [Fact]
    public void Dispose_WaitsForTheRemoval_WhenNoReportDid()
    {
        Start(_runId);

        TestCleanUp.Start(ContainerEngine.Named("podman", null, Environment.GetEnvironmentVariable), _runId).Dispose();

        Assert.Empty(Podman.ContainersOfRun(_runId));
    }

    private static void Start(string runId)
    {
        Podman.PullRedis();
        var started = Podman.Run("run", "--detach", "--label", $"{RunLabels.Run}={runId}", Podman.Redis);
        Assert.True(started.Succeeded, started.StandardError);
    }
}
