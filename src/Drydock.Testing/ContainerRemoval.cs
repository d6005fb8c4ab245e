using System.Runtime.CompilerServices;

using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// Removes the containers tests disposed, behind the tests: a removal is mostly the engine waiting (podman's
/// network teardown, docker's layer cleanup: a third of a second each here), so the next test need not wait
/// for it. Containers waiting together go in one <c>rm --force</c>. <see cref="ImageUnderTest"/>'s disposal
/// waits for its containers' removals; until a removal is done, <see cref="ExitCleanup"/> still holds the id.
/// In a publish's run (<see cref="TestRun.RemovedAfter"/>) a container of that run is only killed, and nothing waits
/// for the kill: the publish removes it after the test host (the next publish's sweep, if the publish died), so the
/// test host's end waits neither for the engine's cleanup nor for the last kill.
/// </summary>
internal static class ContainerRemoval
{
    private static readonly ConditionalWeakTable<ContainerEngine, Queue> Queues = [];

    /// <summary>
    /// Queues <paramref name="id"/> for removal; the task ends when it is gone, or faults with the engine's error. With
    /// <paramref name="killOnly"/>, for a kill that nothing waits for: the task has ended, and the id is no longer
    /// <see cref="ExitCleanup"/>'s (an exiting test host would remove it, slower than the publish's one sweep).
    /// </summary>
    public static Task RemoveAsync(ContainerEngine engine, string id, bool killOnly = false)
    {
        var removal = Queues.GetValue(engine, key => new Queue(key)).Add(id, killOnly);
        if (!killOnly)
        {
            return removal;
        }

        ExitCleanup.Untrack(id);
        return Task.CompletedTask;
    }

    private sealed class Queue(ContainerEngine engine)
    {
        private readonly Lock _lock = new();
        private List<(string Id, bool KillOnly, TaskCompletionSource Removed)> _waiting = [];
        private bool _removing;

        public Task Add(string id, bool killOnly)
        {
            var removed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _waiting.Add((id, killOnly, removed));
                if (!_removing)
                {
                    _removing = true;
                    _ = Task.Run(RemoveWaitingAsync);
                }
            }

            return removed.Task;
        }

        private async Task RemoveWaitingAsync()
        {
            while (true)
            {
                List<(string Id, bool KillOnly, TaskCompletionSource Removed)> batch;
                lock (_lock)
                {
                    if (_waiting.Count == 0)
                    {
                        _removing = false;
                        return;
                    }

                    (batch, _waiting) = (_waiting, []);
                }

                foreach (var group in batch.GroupBy(entry => entry.KillOnly))
                {
                    var entries = group.ToList();
                    try
                    {
                        string[] ids = [.. entries.Select(entry => entry.Id)];
                        await (group.Key ? engine.KillAsync(ids, CancellationToken.None) : engine.RemoveAsync(ids, CancellationToken.None)).ConfigureAwait(false);
                        entries.ForEach(entry => entry.Removed.TrySetResult());
                    }
                    catch (Exception e)
                    {
                        // A failed kill is no test's failure: the publish's sweep removes the container.
                        entries.ForEach(entry => _ = group.Key ? entry.Removed.TrySetResult() : entry.Removed.TrySetException(e));
                    }
                    finally
                    {
                        entries.ForEach(entry => ExitCleanup.Untrack(entry.Id));
                    }
                }
            }
        }
    }
}
