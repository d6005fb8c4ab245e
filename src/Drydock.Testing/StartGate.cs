namespace Drydock.Testing;

/// <summary>
/// Bounds the container starts a test host runs at once by CPUs: a start holds its profile's CPUs
/// (<see cref="TestProfile.Cpus"/>) until its container is ready, and waits while the starts under way already
/// hold the machine's (<see cref="Environment.ProcessorCount"/>). One start always proceeds, whatever it asks.
/// So the test classes xunit runs in parallel start their containers in parallel, and a .NET app's
/// start (its most CPU-hungry moment) is not starved below its limit by too many others.
/// </summary>
internal sealed class StartGate(double capacity)
{
    public static StartGate Machine { get; } = new(Environment.ProcessorCount);

    private readonly Lock _lock = new();
    private readonly LinkedList<(double Cpus, TaskCompletionSource Entered)> _waiting = new();
    private double _held;

    /// <summary>CPUs held by the starts under way.</summary>
    public double Held
    {
        get
        {
            lock (_lock)
            {
                return _held;
            }
        }
    }

    /// <summary>Waits, first come first served, until <paramref name="cpus"/> fit; dispose the result when the start is done.</summary>
    public async Task<IDisposable> EnterAsync(double cpus, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cpus);
        TaskCompletionSource entered;
        LinkedListNode<(double, TaskCompletionSource)> node;
        lock (_lock)
        {
            if (_waiting.Count == 0 && Fits(cpus))
            {
                _held += cpus;
                return new Slot(this, cpus);
            }

            entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiting.AddLast((cpus, entered));
        }

        using (cancellationToken.Register(() => Abandon(node)))
        {
            await entered.Task.ConfigureAwait(false);
        }

        return new Slot(this, cpus);
    }

    // Nothing under way: any start fits, so a profile above the machine's CPUs still runs.
    private bool Fits(double cpus) => _held == 0 || _held + cpus <= capacity;

    private void Abandon(LinkedListNode<(double Cpus, TaskCompletionSource Entered)> node)
    {
        lock (_lock)
        {
            if (node.List is null)
            {
                return; // already entered: the caller releases its slot
            }

            _waiting.Remove(node);
            node.Value.Entered.TrySetCanceled();
            Admit();
        }
    }

    private void Release(double cpus)
    {
        lock (_lock)
        {
            _held = Math.Max(0, _held - cpus);
            Admit();
        }
    }

    // In order: the first waiter that does not fit keeps the ones behind it waiting.
    private void Admit()
    {
        while (_waiting.First is { } first && Fits(first.Value.Cpus))
        {
            _waiting.RemoveFirst();
            _held += first.Value.Cpus;
            first.Value.Entered.TrySetResult();
        }
    }

    private sealed class Slot(StartGate gate, double cpus) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release(cpus);
            }
        }
    }
}
