using System.Runtime.InteropServices;

namespace Drydock.Build.Testing;

/// <summary>
/// Stops the image tests, rather than orphaning them, when the build process is told to stop while
/// they run: SIGTERM, SIGINT, SIGQUIT, or its exit. MSBuild cancels the build on SIGINT (and calls the
/// task's <c>Cancel</c>), but on SIGTERM the <c>dotnet</c> CLI calls <c>Environment.Exit(0)</c>, which
/// would leave <c>dotnet test</c>, its test host and their containers running and report success.
/// So the exit waits (bounded) until the run has killed its process tree and removed its containers,
/// and the exit code becomes 143 (128 + SIGTERM). Where the host lets the process live on, the task
/// returns and <see cref="Tasks.CheckImageTests"/> fails the publish (DRY5007).
/// </summary>
public sealed class StopSignals : IDisposable
{
    /// <summary>How long an exiting process waits for the run's cleanup: killing a process tree and <c>rm -f</c> take seconds.</summary>
    private static readonly TimeSpan CleanupWait = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _finished = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Action<string>? _onStop;
    private string? _received;

    private StopSignals(Action<string>? onStop) => _onStop = onStop;

    /// <summary>Cancelled when a stop signal arrives or the process exits.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>What stopped the run: <c>SIGTERM</c>, <c>SIGINT</c>, <c>SIGQUIT</c>, <c>process exit</c>; null while none did.</summary>
    public string? Received => Volatile.Read(ref _received);

    /// <summary>Listens until disposed; dispose after the run's cleanup. Signals a host cannot register are left to their default.</summary>
    /// <param name="onStop">Called once, with <see cref="Received"/>, when the first stop arrives (on the signal's thread): where the
    /// run says it was cancelled, before an exiting process has no output left.</param>
    public static StopSignals Listen(Action<string>? onStop = null)
    {
        var signals = new StopSignals(onStop);
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            try
            {
                signals._registrations.Add(PosixSignalRegistration.Create(signal, signals.OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
            }
        }

        AppDomain.CurrentDomain.ProcessExit += signals.OnProcessExit;
        return signals;
    }

    /// <summary>Stops the run for <paramref name="reason"/>: what a signal does.</summary>
    internal void Stop(string reason)
    {
        if (Interlocked.CompareExchange(ref _received, reason, null) is null)
        {
            _onStop?.Invoke(reason);
        }

        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run had already ended.
        }
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        // Lets an exiting process go on: the run's cleanup is done.
        _finished.Set();
        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Where the host does not end the process itself, it lives on: the task stops the run, cleans
        // up, and the publish fails after writing its report.
        context.Cancel = true;
        Stop(context.Signal.ToString());
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        Stop("process exit");
        _finished.Wait(CleanupWait);
        if (Environment.ExitCode == 0)
        {
            // A publish that ends while its tests run never succeeded.
            Environment.ExitCode = Received == nameof(PosixSignal.SIGTERM) ? 128 + 15 : 1;
        }
    }
}
