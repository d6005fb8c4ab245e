using System.Diagnostics;
using System.Globalization;

using Drydock.Processes;

namespace Drydock.Testing;

/// <summary>
/// Removes containers that image tests left behind, by the labels every container carries:
/// <c>io.drydock.run</c> (the run id) and <c>io.drydock.pid</c> (the test host's process id).
/// </summary>
public static class ContainerSweeper
{
    /// <summary>Removes every container of the run <paramref name="runId"/>; returns how many there were.</summary>
    /// <param name="runtime"><c>podman</c> or <c>docker</c>.</param>
    /// <param name="runId">The <c>io.drydock.run</c> label value (DRYDOCK_RUN_ID).</param>
    public static int Sweep(string runtime, string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var cli = RuntimeCli.Resolve(runtime);
        var ids = cli.ListAsync($"io.drydock.run={runId}", CancellationToken.None).GetAwaiter().GetResult();
        return Remove(cli, ids);
    }

    /// <summary>
    /// Removes the containers whose test host no longer runs (killed or crashed, so it could not clean
    /// up); returns how many. A pid the system has since reused for another process keeps its
    /// containers until that process ends.
    /// </summary>
    public static int SweepDeadRuns(string runtime)
    {
        var cli = RuntimeCli.Resolve(runtime);
        var labelled = cli.ListAsync("io.drydock.pid", CancellationToken.None).GetAwaiter().GetResult();
        var owners = cli.LabelAsync(labelled, "io.drydock.pid", CancellationToken.None).GetAwaiter().GetResult();
        var dead = owners.Where(owner => !IsAlive(owner.Value)).Select(owner => owner.Id).ToList();
        return Remove(cli, dead);
    }

    private static int Remove(RuntimeCli cli, IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        var result = cli.RemoveAsync(ids, CancellationToken.None).GetAwaiter().GetResult();
        return result.Succeeded
            ? ids.Count
            : throw new InvalidOperationException($"{Codes.RuntimeFailed}: '{cli.Command} rm' failed: {result.StandardError.Trim()}");
    }

    private static bool IsAlive(string pid)
    {
        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            // Not ours to judge: a label someone else wrote.
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
