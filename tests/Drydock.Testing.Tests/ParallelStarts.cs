namespace Drydock.Testing.Tests;

/// <summary>
/// Container starts of test classes that xunit runs in parallel run together, bounded by the machine's
/// CPUs at the profile's (StartGate): the gate itself, without containers.
/// </summary>
public sealed class ParallelStarts
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Starts_that_fit_enter_together_and_the_next_waits_for_a_release()
    {
        var gate = new StartGate(2);

        using var first = await gate.EnterAsync(1, CancellationToken.None).WaitAsync(Bound);
        var second = await gate.EnterAsync(1, CancellationToken.None).WaitAsync(Bound);
        var third = gate.EnterAsync(1, CancellationToken.None);

        Assert.Equal(2, gate.Held);
        Assert.False(third.IsCompleted);
        second.Dispose();
        (await third.WaitAsync(Bound)).Dispose();
        Assert.Equal(1, gate.Held);
    }

    [Fact]
    public async Task A_start_above_the_machine_runs_alone()
    {
        var gate = new StartGate(2);

        var big = await gate.EnterAsync(4, CancellationToken.None).WaitAsync(Bound);
        var small = gate.EnterAsync(0.5, CancellationToken.None);

        Assert.False(small.IsCompleted);
        big.Dispose();
        (await small.WaitAsync(Bound)).Dispose();
        Assert.Equal(0, gate.Held);
    }

    [Fact]
    public async Task Waiters_enter_in_order_and_a_cancelled_one_leaves_the_line()
    {
        var gate = new StartGate(1);
        var holder = await gate.EnterAsync(1, CancellationToken.None).WaitAsync(Bound);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(1, cancel.Token);
        var next = gate.EnterAsync(1, CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Bound));
        Assert.False(next.IsCompleted);
        holder.Dispose();

        (await next.WaitAsync(Bound)).Dispose();
        Assert.Equal(0, gate.Held);
    }
}
