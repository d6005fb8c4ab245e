using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// Removes containers that image tests left behind, and networks their backing services used, by the
/// labels each carries: <c>io.drydock.run</c> (the run id), <c>io.drydock.owner</c> (the test host, as any
/// machine and PID namespace can judge it) and <c>io.drydock.lease</c>; <see cref="TestRun.Labels"/> gives them
/// to what a test starts itself.
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
    /// Removes the containers, then the networks, of runs provably over; returns how many: their test host ran on
    /// this machine, in this PID namespace, and is gone (killed or crashed, so it could not clean up; a reused pid
    /// is told apart by its start time), or their lease (<c>io.drydock.lease</c>, 24 h) has expired. A live run of
    /// another build on the same engine (another PID namespace, another machine) is never removed.
    /// </summary>
    /// <exception cref="InvalidOperationException">DRY5105: no engine answers, or it failed.</exception>
    public static int SweepDeadRuns(string? runtime) =>
        Engines.Resolve(runtime).RemoveDeadRunsAsync(CancellationToken.None).GetAwaiter().GetResult();
}
