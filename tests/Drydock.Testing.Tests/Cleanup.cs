using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>No container outlives its test: dispose, the fixture, and the sweeper remove them.</summary>
[Collection(WithTestImages.Name)]
public sealed class Cleanup(TestImages images)
{
    private readonly string _runId = "cleanup-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task DisposeAsync_RemovesTheContainer()
    {
        await using var image = ImageUnderTest.For(images.Options() with { RunId = _runId });
        var app = await image.StartAsync();
        Assert.Single(Shell.ContainersOfRun(_runId));

        await app.DisposeAsync();

        Assert.Empty(Shell.ContainersOfRun(_runId));
    }

    [Fact]
    public async Task FixtureDispose_RemovesContainersTestsForgot()
    {
        var image = ImageUnderTest.For(images.Options() with { RunId = _runId });
        await image.StartAsync();
        await image.StartAsync();
        Assert.Equal(2, Shell.ContainersOfRun(_runId).Length);

        image.Dispose();

        Assert.Empty(Shell.ContainersOfRun(_runId));
    }

    [Fact]
    public void Sweep_RemovesEveryContainerOfTheRun()
    {
        Leave(_runId, pid: Environment.ProcessId);
        Leave(_runId, pid: Environment.ProcessId);
        Leave("other-" + _runId, pid: Environment.ProcessId);

        var removed = ContainerSweeper.Sweep("podman", _runId);

        Assert.Equal(2, removed);
        Assert.Empty(Shell.ContainersOfRun(_runId));
        Assert.Single(Shell.ContainersOfRun("other-" + _runId));
        ContainerSweeper.Sweep("podman", "other-" + _runId);
    }

    [Fact]
    public void SweepDeadRuns_RemovesContainersOfEndedProcessesOnly()
    {
        var ended = Shell.Start("true", []);
        ended.WaitForExit();
        Leave(_runId, pid: ended.Id);
        Leave("alive-" + _runId, pid: Environment.ProcessId);

        ContainerSweeper.SweepDeadRuns("podman");

        Assert.Empty(Shell.ContainersOfRun(_runId));
        Assert.Single(Shell.ContainersOfRun("alive-" + _runId));
        ContainerSweeper.Sweep("podman", "alive-" + _runId);
    }

    /// <summary>A container as a killed test host would leave it: labelled, created, never removed.</summary>
    private void Leave(string runId, int pid)
    {
        var created = Shell.Podman("create", "--label", $"io.drydock.run={runId}", "--label", $"io.drydock.pid={pid}", images.App);
        Assert.True(created.Succeeded, created.StandardError);
    }
}
