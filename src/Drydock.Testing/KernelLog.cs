using Drydock.Processes;

namespace Drydock.Testing;

/// <summary>
/// The last witness of an OOM kill. The kernel logs every memory-cgroup OOM kill with the cgroup's
/// path, which holds the container id (<c>oom-kill:…,oom_memcg=/libpod_parent/libpod-&lt;id&gt;,…</c>,
/// or <c>/docker/&lt;id&gt;</c>). Read when a container died of SIGKILL (exit code 137) and neither the
/// runtime (podman 4 with runc on cgroup v1 says false) nor the cgroup sampler saw the kill — the
/// container can die before its cgroup is first sampled. Needs <c>dmesg</c> to be readable (root,
/// or <c>kernel.dmesg_restrict=0</c>); otherwise says nothing.
/// </summary>
internal static class KernelLog
{
    private const int KilledBySignal9 = 137;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<bool> ReportsOomKillAsync(string containerId, int exitCode, CancellationToken cancellationToken)
    {
        if (exitCode != KilledBySignal9 || containerId.Length < 12 || !OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var dmesg = await ProcessRunner.RunAsync("dmesg", [], Timeout, cancellationToken).ConfigureAwait(false);
            return dmesg.StandardOutput.Split('\n')
                .Any(line => line.Contains("oom-kill:", StringComparison.Ordinal) && line.Contains(containerId, StringComparison.Ordinal));
        }
        catch (Exception e) when (e is FileNotFoundException or TimeoutException)
        {
            return false;
        }
    }
}
