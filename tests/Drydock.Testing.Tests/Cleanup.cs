using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>No container outlives its test: dispose, the fixture, and the sweeper remove them.</summary>
[Collection(WithTestImages.Name)]
public sealed class Cleanup(TestImages images)
{
    private readonly string _runId = "cleanup-" + Guid.NewGuid().ToString("N")[..12];

    [Theory]
    [MemberData(nameof(TestEngines.Three), MemberType = typeof(TestEngines))]
    public async Task DisposeAsync_RemovesTheContainerBehindTheTests_TheFixtureWaitsForIt(string engine)
    {
        var image = ImageUnderTest.For(images.Options(engine) with { RunId = _runId });
        var app = await image.StartAsync();
        Assert.Single(Shell.ContainersOfRun(engine, _runId));

        await app.DisposeAsync();
        await image.DisposeAsync();

        Assert.Empty(Shell.ContainersOfRun(engine, _runId));
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task FixtureDispose_RemovesContainersTestsForgot(string engine)
    {
        var image = ImageUnderTest.For(images.Options(engine) with { RunId = _runId });
        await image.StartAsync();
        await image.StartAsync();
        Assert.Equal(2, Shell.ContainersOfRun(engine, _runId).Length);

        image.Dispose();

        Assert.Empty(Shell.ContainersOfRun(engine, _runId));
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public void Sweep_RemovesEveryContainerOfTheRun(string engine)
    {
        Leave(engine, _runId, pid: Environment.ProcessId);
        Leave(engine, _runId, pid: Environment.ProcessId);
        Leave(engine, "other-" + _runId, pid: Environment.ProcessId);

        var removed = ContainerSweeper.Sweep(TestEngines.Use(engine), _runId);

        Assert.Equal(2, removed);
        Assert.Empty(Shell.ContainersOfRun(engine, _runId));
        Assert.Single(Shell.ContainersOfRun(engine, "other-" + _runId));
        ContainerSweeper.Sweep(TestEngines.Use(engine), "other-" + _runId);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public void SweepDeadRuns_RemovesContainersOfEndedProcessesOnly(string engine)
    {
        var ended = Shell.Start("true", []);
        ended.WaitForExit();
        Leave(engine, _runId, pid: ended.Id);
        Leave(engine, "alive-" + _runId, pid: Environment.ProcessId);

        ContainerSweeper.SweepDeadRuns(TestEngines.Use(engine));

        Assert.Empty(Shell.ContainersOfRun(engine, _runId));
        Assert.Single(Shell.ContainersOfRun(engine, "alive-" + _runId));
        ContainerSweeper.Sweep(TestEngines.Use(engine), "alive-" + _runId);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public void Sweeps_KillAnAppThatCannotStopYet_WithoutWaitingTheStopTimeout(string engine)
    {
        // Just started, the app's runtime has not yet set up its SIGTERM handling, and a PID 1 without a handler never
        // sees SIGTERM: a stop would wait the engine's stop timeout (10 s) for nothing. A sweep kills at once, by run
        // label (podman: one rm --filter) and by id (the dead runs').
        var ended = Shell.Start("true", []);
        ended.WaitForExit();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Start(engine, _runId, pid: Environment.ProcessId);
        ContainerSweeper.Sweep(TestEngines.Use(engine), _runId);
        Start(engine, "dead-" + _runId, pid: ended.Id);
        ContainerSweeper.SweepDeadRuns(TestEngines.Use(engine));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the starts and sweeps took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(Shell.ContainersOfRun(engine, _runId));
        Assert.Empty(Shell.ContainersOfRun(engine, "dead-" + _runId));
    }

    /// <summary>The owner label of <paramref name="pid"/> on this machine and PID namespace (an ended one: no start time matches).</summary>
    internal static string Owner(int pid) => (Drydock.Runtime.RunOwner.Of(pid) ?? Drydock.Runtime.RunOwner.Current with { Pid = pid, Start = "1" }).ToString();

    /// <summary>A container as a killed test host would leave it: labelled, created, never removed.</summary>
    private void Leave(string engine, string runId, int pid) => Labelled(engine, "create", runId, pid);

    /// <summary>As <see cref="Leave"/>, but running: the engine has just started it.</summary>
    private void Start(string engine, string runId, int pid) => Labelled(engine, "run", runId, pid, "--detach");

    private void Labelled(string engine, string command, string runId, int pid, params string[] options)
    {
        var created = Shell.Engine(engine, [command, .. options, "--label", $"io.drydock.run={runId}", "--label", $"io.drydock.pid={pid}",
            "--label", $"io.drydock.owner={Owner(pid)}", images.App]);
        Assert.True(created.Succeeded, created.StandardError);
    }
}
