using System.Runtime.InteropServices;

namespace Drydock.Build.Testing;

/// <summary>
/// This build process's tier-1 JIT: the runtime's background compiler thread (".NET Tiered Compilation Worker"). Once a
/// build stops compiling new methods, as it does while it waits for a test run, the runtime recompiles the build's hot
/// methods: 1.2 CPU-seconds of a three-test run here, taken from the app's containers starting for the tests.
/// <see cref="YieldToTests"/> lets it run only on a CPU nothing else wants (<c>SCHED_IDLE</c>, sched(7): any thread may
/// lower its own scheduling so) until it ends: it ends after 4 s without work, and its successor has the normal policy.
/// Linux only; elsewhere, or when the thread is not running, nothing changes.
/// </summary>
internal static class BackgroundCompiler
{
    // A thread's comm is the first 15 bytes of its name.
    private const string ThreadName = ".NET Tiered Com";
    private const int SchedIdle = 5;

    /// <summary>Puts the background compiler's threads under <c>SCHED_IDLE</c>; returns how many there were.</summary>
    public static int YieldToTests()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var yielded = 0;
        try
        {
            foreach (var thread in Threads())
            {
                // struct sched_param { int sched_priority; }, 0 for SCHED_IDLE. The runtime maps "libc" to the C library's soname.
                var priority = 0;
                if (SetScheduler(thread, SchedIdle, ref priority) == 0)
                {
                    yielded++;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            // A speed-up only: the tests run all the same.
        }

        return yielded;
    }

    /// <summary>The ids of this process's background compiler threads.</summary>
    internal static IEnumerable<int> Threads()
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string name;
            try
            {
                name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue; // ended meanwhile
            }

            if (name == ThreadName && int.TryParse(Path.GetFileName(task), out var id))
            {
                yield return id;
            }
        }
    }

    [DllImport("libc", EntryPoint = "sched_setscheduler")]
    private static extern int SetScheduler(int thread, int policy, ref int priority);
}
