using Drydock.Runtime;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>
/// One engine, several builds that cannot see each other's processes (jobs in containers that mount the
/// host's socket, runners on one build host, a shared dind): a sweep removes only runs provably over.
/// </summary>
[Collection(WithTestImages.Name)]
public sealed class SharedEngines(TestImages images)
{
    private readonly string _runId = "shared-" + Guid.NewGuid().ToString("N")[..12];

    [Theory]
    [InlineData("docker")]
    [InlineData(TestEngines.Remote)]
    public async Task SweepDeadRuns_LiveRunInAnotherPidNamespace_IsKept(string engine)
    {
        // A test host in its own PID namespace, as a job in a container is: its pid means nothing here. Some
        // processes first, so its pid is one no process has here (a sweep by "is that pid alive here" removed it).
        var signalHost = Path.Combine(AppContext.BaseDirectory, "Drydock.Testing.SignalHost.dll");
        // unshare --fork ignores SIGTERM and SIGINT; SIGKILLed, it takes the namespace's init along (--kill-child), and with it the namespace.
        using var host = Shell.Start("unshare", ["--pid", "--fork", "--mount-proc", "--kill-child", "sh", "-c",
            "i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i+1)); done; dotnet \"$0\"; :", signalHost],
            new Dictionary<string, string?>(TestEngines.Environment(engine))
            {
                ["DRYDOCK_IMAGE"] = images.App,
                ["DRYDOCK_RUNTIME"] = TestEngines.Cli(engine),
                ["DRYDOCK_RUN_ID"] = _runId,
            });
        try
        {
            var started = await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.StartsWith("started ", started, StringComparison.Ordinal);
            var owner = RunOwner.Parse(Shell.Engine(engine, "inspect", "--format", "{{index .Config.Labels \"io.drydock.owner\"}}", Shell.ContainersOfRun(engine, _runId).Single()).StandardOutput.Trim());
            Assert.NotNull(owner);
            Assert.NotEqual(RunOwner.Current.PidNamespace, owner.PidNamespace);
            Assert.False(Directory.Exists($"/proc/{owner.Pid}"), $"pid {owner.Pid} also runs here; the test needs one that does not");

            ContainerSweeper.SweepDeadRuns(TestEngines.Use(engine));

            Assert.Single(Shell.ContainersOfRun(engine, _runId));
        }
        finally
        {
            Shell.Run("kill", ["-s", "KILL", host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
            await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            // Killed, it could not clean up: its run is removed by id, as the publish does at the end of a run.
            ContainerSweeper.Sweep(TestEngines.Use(engine), _runId);
        }
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("podman")]
    public void SweepDeadRuns_OtherMachinesRun_KeptUntilItsLeaseExpired(string engine)
    {
        var otherMachine = new RunOwner("another-boot-id", "4026531836", 4242, "100").ToString();
        Leave(engine, _runId, otherMachine, lease: "24h");
        Leave(engine, "expired-" + _runId, otherMachine, lease: "1ms");
        Thread.Sleep(TimeSpan.FromSeconds(1));

        ContainerSweeper.SweepDeadRuns(TestEngines.Use(engine));

        Assert.Single(Shell.ContainersOfRun(engine, _runId));
        Assert.Empty(Shell.ContainersOfRun(engine, "expired-" + _runId));
        ContainerSweeper.Sweep(TestEngines.Use(engine), _runId);
    }

    [Theory]
    [InlineData("", "", "2026-12-04T10:00:00.123456789Z", "2026-12-04T12:00:00Z", false)] // no owner (an older Drydock): only by lease
    [InlineData("", "", "2026-12-03T10:00:00.123456789Z", "2026-12-04T12:00:00Z", true)]
    [InlineData("boot/1/7/9", "1h", "2026-12-04 10:00:00.123456789 +0000 UTC", "2026-12-04T10:30:00Z", false)] // podman's time form
    [InlineData("boot/1/7/9", "1h", "2026-12-04 10:00:00.123456789 +0000 UTC", "2026-12-04T11:30:00Z", true)]
    [InlineData("boot/1/7/9", "<no value>", "2026-12-04T10:00:00Z", "2026-12-04T11:30:00Z", false)] // docker's missing label: the default lease
    [InlineData("garbage", "", "not a time", "2026-12-04T11:30:00Z", false)]
    public void IsOver_OwnerNotJudgeableHere_ByLeaseOnly(string owner, string lease, string created, string now, bool over) =>
        Assert.Equal(over, ContainerEngine.IsOver(owner, lease, created, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void IsOver_OwnerHere_ByWhetherItStillRuns()
    {
        var now = DateTimeOffset.UtcNow;
        var ended = Shell.Start("true", []);
        ended.WaitForExit();

        Assert.False(ContainerEngine.IsOver(RunOwner.Current.ToString(), "", "2000-01-01T00:00:00Z", now)); // alive, however old
        Assert.True(ContainerEngine.IsOver((RunOwner.Current with { Pid = ended.Id }).ToString(), "", now.ToString("O"), now)); // gone, however new
        Assert.True(ContainerEngine.IsOver((RunOwner.Current with { Start = "1" }).ToString(), "", now.ToString("O"), now)); // pid reused by another process
    }

    private void Leave(string engine, string runId, string owner, string lease)
    {
        var created = Shell.Engine(engine, "create", "--label", $"io.drydock.run={runId}", "--label", "io.drydock.pid=4242",
            "--label", $"io.drydock.owner={owner}", "--label", $"io.drydock.lease={lease}", images.App);
        Assert.True(created.Succeeded, created.StandardError);
    }
}
