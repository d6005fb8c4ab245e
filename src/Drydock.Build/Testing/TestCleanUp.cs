using System.Diagnostics;
using Drydock.Build.Diagnostics;
using Drydock.Runtime;

namespace Drydock.Build.Testing;

/// <summary>
/// The removal of a publish's test run once its test hosts have ended: every container and network labelled with the
/// run id (<see cref="ContainerEngine.RemoveRunAsync"/>), and those of test hosts that died in earlier publishes
/// (<see cref="ContainerEngine.RemoveDeadRunsAsync"/>). It runs behind the rest of the publish, since the attestations,
/// the push and the local tags need none of it: on podman, removing a container killed a moment ago waits for the engine's
/// network teardown (a third of a second here), and a backing service's removal takes longer. The report waits for it
/// (<see cref="Wait"/>: its time is the test step's clean-up phase), and so does the end of the build (<see cref="Dispose"/>,
/// through MSBuild's registered task objects): no publish ends with its test containers still there.
/// docs/image-tests.md, "Cleanup".
/// </summary>
public sealed class TestCleanUp : IDisposable
{
    /// <summary>How long the end of a build waits for a removal nobody waited for: each engine call has its own bound below this.</summary>
    private static readonly TimeSpan DisposeBound = TimeSpan.FromMinutes(10);

    private readonly Task<(double Seconds, IReadOnlyList<string> Lines)> _removal;
    private bool _logged;

    private TestCleanUp(Task<(double Seconds, IReadOnlyList<string> Lines)> removal) => _removal = removal;

    /// <summary>The key the publish registers it under (<c>IBuildEngine4.RegisterTaskObject</c>), from the test step to the report.</summary>
    public static string Key(string appProject) => $"Drydock.TestCleanUp|{appProject}";

    /// <summary>Starts removing run <paramref name="runId"/>'s containers and networks, and dead runs', on <paramref name="engine"/>, in the background.</summary>
    internal static TestCleanUp Start(ContainerEngine engine, string runId)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var clock = Stopwatch.StartNew();
        return new TestCleanUp(Task.Run(async () =>
        {
            // Together (this run is no dead run's: its test hosts have ended, but its removal is this one's), since the run's
            // own removal waits mostly on the engine's teardown of what it just killed.
            var deadRuns = Sweep(() => engine.RemoveDeadRunsAsync(CancellationToken.None, except: runId), "of test hosts that ended without removing them");
            var run = Sweep(() => engine.RemoveRunAsync(runId, CancellationToken.None), $"left by run {runId}");
            IReadOnlyList<string> lines = [await run.ConfigureAwait(false), await deadRuns.ConfigureAwait(false)];
            return (Math.Round(clock.Elapsed.TotalSeconds, 3), lines);
        }, CancellationToken.None));
    }

    /// <summary>What one removal did, as a line for the log; a failed one is never fatal (the next publish's sweep finds what is left).</summary>
    private static async Task<string> Sweep(Func<Task<int>> remove, string what)
    {
        try
        {
            return $"Drydock: removed {await remove().ConfigureAwait(false)} container(s) and network(s) {what}";
        }
        catch (ContainerEngineException e)
        {
            return $"Drydock: could not remove the containers and networks {what}: {e.Message}";
        }
    }

    /// <summary>Waits until the removal has ended, logs what it removed (once), and returns how long it took, in seconds.</summary>
    public double Wait(IBuildLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var (seconds, lines) = _removal.GetAwaiter().GetResult();
        if (!_logged)
        {
            _logged = true;
            foreach (var line in lines)
            {
                log.Detail(line);
            }
        }

        return seconds;
    }

    /// <summary>Waits for the removal, for a build that ends without the report having waited (a failure in between).</summary>
    public void Dispose()
    {
        try
        {
            _removal.Wait(DisposeBound);
        }
        catch (AggregateException)
        {
            // A bug's exception has no one left to tell at the build's end; the next publish's sweep finds what is left.
        }
    }
}
