using System.Globalization;

namespace Drydock.Testing;

/// <summary>
/// Samples a container's cgroup from the host: peak memory, CPU time and the OOM-kill counter.
/// It samples in the background because podman 4 with runc on cgroup v1 reports <c>OOMKilled: false</c>
/// for a container the kernel OOM-killed, and the cgroup (with its <c>oom_kill</c> counter) is removed a
/// few hundred milliseconds after the container dies; sampling every 50 ms sees it first.
/// Needs the container's main pid to be visible in the host's /proc and its cgroup readable (Docker Engine or
/// rootful podman on Linux; rootless podman on cgroup v1 has no cgroup of its own).
/// </summary>
internal sealed class CgroupMonitor : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly string _memory;
    private readonly string _cpu;
    private readonly bool _v2;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly Lock _gate = new();
    private ContainerStats _last;
    private bool _sawOomKill;

    private CgroupMonitor(string memory, string cpu, bool v2)
    {
        (_memory, _cpu, _v2) = (memory, cpu, v2);
        _last = new ContainerStats(0, TimeSpan.Zero, v2 ? "cgroup v2" : "cgroup v1");
        Sample();
        _sampling = Task.Run(SampleUntilGoneAsync);
    }

    /// <summary>The last sample, taken now when the cgroup still exists.</summary>
    public ContainerStats Stats
    {
        get
        {
            Sample();
            lock (_gate)
            {
                return _last;
            }
        }
    }

    public bool SawOomKill
    {
        get
        {
            Sample();
            lock (_gate)
            {
                return _sawOomKill;
            }
        }
    }

    /// <summary>A monitor for the cgroup of <paramref name="pid"/>, or null when its cgroup files cannot be read.</summary>
    public static CgroupMonitor? TryStart(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/cgroup");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // Lines are "hierarchy-id:controllers:path" (man 7 cgroups). On v1 (and hybrid) the memory and
        // cpuacct controllers have their own hierarchies, mounted as /sys/fs/cgroup/<controllers>.
        string? memory = null, cpu = null, unified = null;
        foreach (var parts in lines.Select(line => line.Split(':', 3)).Where(parts => parts.Length == 3))
        {
            var controllers = parts[1].Split(',');
            var directory = Path.Join("/sys/fs/cgroup", parts[1], parts[2]);
            if (controllers.Contains("memory"))
            {
                memory = directory;
            }

            if (controllers.Contains("cpuacct"))
            {
                cpu = directory;
            }

            if (parts[0] == "0" && parts[1].Length == 0)
            {
                unified = Path.Join("/sys/fs/cgroup", parts[2]);
            }
        }

        if (memory is not null && cpu is not null && File.Exists(Path.Join(memory, "memory.max_usage_in_bytes")))
        {
            return new CgroupMonitor(memory, cpu, v2: false);
        }

        // memory.peak needs Linux 5.19.
        return unified is not null && File.Exists(Path.Join(unified, "memory.peak"))
            ? new CgroupMonitor(unified, unified, v2: true)
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sampling.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SampleUntilGoneAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false) && Sample())
            {
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    /// <summary>Reads the files; false once the cgroup is gone (the container has been cleaned up).</summary>
    private bool Sample()
    {
        try
        {
            long peak, oomKills;
            TimeSpan cpu;
            if (_v2)
            {
                peak = ReadNumber(Path.Join(_memory, "memory.peak"));
                oomKills = ReadKey(Path.Join(_memory, "memory.events"), "oom_kill");
                cpu = TimeSpan.FromMicroseconds(ReadKey(Path.Join(_cpu, "cpu.stat"), "usage_usec"));
            }
            else
            {
                peak = ReadNumber(Path.Join(_memory, "memory.max_usage_in_bytes"));
                oomKills = ReadKey(Path.Join(_memory, "memory.oom_control"), "oom_kill");
                cpu = TimeSpan.FromTicks(ReadNumber(Path.Join(_cpu, "cpuacct.usage")) / 100);
            }

            lock (_gate)
            {
                _last = _last with { PeakMemoryBytes = Math.Max(peak, _last.PeakMemoryBytes), CpuTime = cpu };
                _sawOomKill |= oomKills > 0;
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    private static long ReadNumber(string path) => long.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);

    /// <summary>A "key value" line of a flat-keyed cgroup file; 0 when the kernel does not write the key.</summary>
    private static long ReadKey(string path, string key)
    {
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2 && parts[0] == key)
            {
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
