using System.Diagnostics;
using System.Runtime.CompilerServices;
using Drydock.Build.Testing;

namespace Drydock.Build.Tests.Testing;

/// <summary>The build's tier-1 JIT thread yields to the tests: this very process's, as the kernel reports its policy.</summary>
public sealed class BackgroundCompilerTests
{
    private const int SchedIdle = 5;

    [Fact]
    public void YieldToTests_TheRuntimeIsRecompiling_ItsThreadRunsUnderSchedIdle()
    {
        // Hot methods of this test: the runtime starts its background compiler for them.
        var threads = new List<int>();
        for (var waited = Stopwatch.StartNew(); threads.Count == 0 && waited.Elapsed < TimeSpan.FromSeconds(20);)
        {
            for (var i = 0; i < 100_000; i++)
            {
                Hot(i);
            }

            threads = [.. BackgroundCompiler.Threads()];
        }

        Assert.NotEmpty(threads);

        var yielded = BackgroundCompiler.YieldToTests();

        Assert.True(yielded >= 1);
        // The threads that are still there (one may have ended meanwhile) run under SCHED_IDLE.
        var policies = threads.Select(Policy).OfType<int>().ToList();
        Assert.All(policies, policy => Assert.Equal(SchedIdle, policy));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Hot(int i) => i * 31 % 7;

    /// <summary>proc(5): the 41st field of /proc/self/task/TID/stat is the scheduling policy.</summary>
    private static int? Policy(int thread)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/self/task/{thread}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[41 - 3], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
