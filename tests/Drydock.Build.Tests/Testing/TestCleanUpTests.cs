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

    [Fact]
    public async Task DeadRunsSweep_LeavesTheRunWhoseOwnRemovalRunsBesideIt()
    {
        // As at a publish's clean-up: its test host has ended, so its containers look like a dead run's.
        using var ended = System.Diagnostics.Process.Start("true");
        ended.WaitForExit();
        Start(_runId, ended.Id);
        Start("dead-" + _runId, ended.Id);
        var engine = ContainerEngine.Named("podman", null, Environment.GetEnvironmentVariable);
        try
        {
            await engine.RemoveDeadRunsAsync(CancellationToken.None, except: _runId);

            Assert.Single(Podman.ContainersOfRun(_runId));
            Assert.Empty(Podman.ContainersOfRun("dead-" + _runId));
        }
        finally
        {
            Podman.Run(["rm", "--force", "--time", "0", .. Podman.ContainersOfRun(_runId), .. Podman.ContainersOfRun("dead-" + _runId)]);
        }
    }

    /// <summary>A running container of run <paramref name="runId"/>; with <paramref name="pid"/>, owned by that (ended) process as a test host labels it.</summary>
    private static void Start(string runId, int? pid = null)
    {
        Podman.PullRedis();
        string[] owner = pid is { } ended
            ? ["--label", $"{RunLabels.Pid}={ended}", "--label", $"{RunLabels.Owner}={RunOwner.Current with { Pid = ended, Start = "1" }}"]
            : [];
        var started = Podman.Run(["run", "--detach", "--label", $"{RunLabels.Run}={runId}", .. owner, Podman.Redis]);
        Assert.True(started.Succeeded, started.StandardError);
    }
}
