using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;
using Drydock.Processes;
using Drydock.Runtime;

namespace Drydock.Build.Tests.Testing;

/// <summary>
/// Against the machine's real podman (eng/setup.sh) and the offline redis image in the loopback registry: the removal of
/// a test run that the publish leaves running behind its last steps.
/// </summary>
public sealed class TestCleanUpTests
{
    private static readonly string Image =
        $"{(Environment.GetEnvironmentVariable("DRYDOCK_TEST_REGISTRY") is { Length: > 0 } registry ? registry : "localhost:5000")}/library/redis:7";

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

            Assert.Empty(Containers(_runId));
            Assert.Single(Containers("other-" + _runId));
            Assert.InRange(seconds, 0.001, 300);
            Assert.Contains(log.Details, line => line.Contains($"removed 2 container(s) and network(s) left by run {_runId}", StringComparison.Ordinal));
            // Logged once, however often the report and the build's end wait.
            cleanUp.Wait(log);
            Assert.Single(log.Details, line => line.Contains(_runId, StringComparison.Ordinal) && line.Contains("left by run", StringComparison.Ordinal));
        }
        finally
        {
            Podman(["rm", "--force", "--time", "0", .. Containers(_runId), .. Containers("other-" + _runId)]);
        }
    }

    [Fact]
    public void Dispose_WaitsForTheRemoval_WhenNoReportDid()
    {
        Start(_runId);

        TestCleanUp.Start(ContainerEngine.Named("podman", null, Environment.GetEnvironmentVariable), _runId).Dispose();

        Assert.Empty(Containers(_runId));
    }

    private static void Start(string runId)
    {
        Assert.True(Podman("pull", "--quiet", "--tls-verify=false", Image).Succeeded); // the loopback registry speaks plain HTTP
        var started = Podman("run", "--detach", "--label", $"{RunLabels.Run}={runId}", Image);
        Assert.True(started.Succeeded, started.StandardError);
    }

    private static string[] Containers(string runId) =>
        Podman("ps", "--all", "--quiet", "--no-trunc", "--filter", $"label={RunLabels.Run}={runId}").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static ProcessResult Podman(params string[] arguments) =>
        ProcessRunner.Run("podman", arguments, TimeSpan.FromMinutes(2), CancellationToken.None);
}
