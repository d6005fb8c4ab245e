using System.Collections.Concurrent;
using System.Runtime.InteropServices;

using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// Removes the containers this process started when it ends without disposing them: normal exit
/// (ProcessExit), Ctrl+C (SIGINT), SIGTERM and SIGQUIT. A killed process (SIGKILL, a crash) cannot clean
/// up; <see cref="ContainerSweeper.SweepDeadRuns"/> removes those containers later by their owner label.
/// </summary>
internal static class ExitCleanup
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly ConcurrentDictionary<string, ContainerEngine> Live = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();
    private static List<PosixSignalRegistration>? s_signals;

    public static void Track(ContainerEngine engine, string id)
    {
        Register();
        Live[id] = engine;
    }

    public static void Untrack(string id) => Live.TryRemove(id, out _);

    private static void Register()
    {
        lock (Gate)
        {
            if (s_signals is not null)
            {
                return;
            }

            AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveAll();

            // Not cancelled: after the cleanup the signal does what it would have done (end the process).
            // On Windows, SIGINT is Ctrl+C and SIGTERM the console closing.
            s_signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT }
                .Select(signal => PosixSignalRegistration.Create(signal, _ => RemoveAll()))];
        }
    }

    private static void RemoveAll()
    {
        foreach (var group in Live.ToArray().GroupBy(entry => entry.Value, entry => entry.Key))
        {
            var ids = group.ToArray();
            using var bound = new CancellationTokenSource(Bound);
            try
            {
                group.Key.RemoveAsync(ids, bound.Token).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is ContainerEngineException or OperationCanceledException)
            {
                // Nothing more can be done while exiting; the run id label lets the next run sweep them.
            }

            foreach (var id in ids)
            {
                Live.TryRemove(id, out _);
            }
        }
    }
}
