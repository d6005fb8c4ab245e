using System.Runtime.CompilerServices;

using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// Removes the containers tests disposed, behind the tests: a removal is mostly the engine waiting (podman's
/// network teardown, docker's layer cleanup: a third of a second each here), so the next test need not wait
/// for it. Containers waiting together go in one <c>rm --force</c>. <see cref="ImageUnderTest"/>'s disposal
/// waits for its containers' removals; until a removal is done, <see cref="ExitCleanup"/> still holds the id.
/// </summary>
internal static class ContainerRemoval
{
    private static readonly ConditionalWeakTable<ContainerEngine, Queue> Queues = [];

    /// <summary>Queues <paramref name="id"/> for removal; the task ends when it is gone, or faults with the engine's error.</summary>
    public static Task RemoveAsync(ContainerEngine engine, string id) => Queues.GetValue(engine, key => new Queue(key)).Add(id);

    private sealed class Queue(ContainerEngine engine)
    {
        private readonly Lock _lock = new();
        private List<(string Id, TaskCompletionSource Removed)> _waiting = [];
        private bool _removing;

        public Task Add(string id)
        {
            var removed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _waiting.Add((id, removed));
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
                List<(string Id, TaskCompletionSource Removed)> batch;
                lock (_lock)
                {
                    if (_waiting.Count == 0)
                    {
                        _removing = false;
                        return;
                    }

                    (batch, _waiting) = (_waiting, []);
                }

                try
                {
                    await engine.RemoveAsync([.. batch.Select(entry => entry.Id)], CancellationToken.None).ConfigureAwait(false);
                    batch.ForEach(entry => entry.Removed.TrySetResult());
                }
                catch (Exception e)
                {
                    batch.ForEach(entry => entry.Removed.TrySetException(e));
                }
                finally
                {
                    batch.ForEach(entry => ExitCleanup.Untrack(entry.Id));
                }
            }
        }
    }
}
