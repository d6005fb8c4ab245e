using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// Removes containers that image tests left behind, and networks their backing services used, by the
/// labels each carries: <c>io.drydock.run</c> (the run id) and <c>io.drydock.pid</c> (the test host's
/// process id); <see cref="TestRun.Labels"/> gives both to what a test starts itself.
/// </summary>
public static class ContainerSweeper
{
    /// <summary>Removes every container of the run <paramref name="runId"/>, then its networks; returns how many of both there were.</summary>
    /// <param name="runtime"><c>docker</c> or <c>podman</c>; null or empty detects one.</param>
    /// <param name="runId">The <c>io.drydock.run</c> label value (DRYDOCK_RUN_ID).</param>
    /// <exception cref="InvalidOperationException">DRY5105: no engine answers, or it failed.</exception>
    public static int Sweep(string? runtime, string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return Engines.Resolve(runtime).RemoveRunAsync(runId, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Removes the containers, then the networks, whose test host no longer runs (killed or crashed, so it
    /// could not clean up); returns how many. A pid the system has since reused for another process keeps its
    /// containers until that process ends.
    /// </summary>
    /// <exception cref="InvalidOperationException">DRY5105: no engine answers, or it failed.</exception>
    public static int SweepDeadRuns(string? runtime) =>
        Engines.Resolve(runtime).RemoveDeadRunsAsync(CancellationToken.None).GetAwaiter().GetResult();
}
