using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

using Drydock.Processes;

namespace Drydock.Testing;

/// <summary>
/// The image a publish built, as a test fixture (e.g. xunit's <c>IClassFixture&lt;ImageUnderTest&gt;</c>):
/// each <see cref="StartAsync"/> starts a container the way production starts it, and waits until it
/// answers. Disposing the fixture removes the containers the tests did not dispose.
/// </summary>
public class ImageUnderTest : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(200);

    // Inspecting costs a runtime call (tens of milliseconds); the TCP probe costs nothing.
    private static readonly TimeSpan InspectInterval = TimeSpan.FromMilliseconds(250);
    private const int FailureLogLines = 20;

    private readonly Lazy<RuntimeCli> _runtime;
    private readonly ConcurrentDictionary<RunningContainer, byte> _started = new();

    /// <summary>Reads the image and the profile from the environment (<see cref="ImageOptions.FromEnvironment"/>).</summary>
    public ImageUnderTest()
        : this(ImageOptions.FromEnvironment())
    {
    }

    /// <summary>
    /// For a fixture of your own with explicit options (xunit wants a fixture with one public
    /// constructor): <c>class ShopImage() : ImageUnderTest(new ImageOptions { Image = "shop/api:dev" });</c>
    /// </summary>
    protected ImageUnderTest(ImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Profile.Validate();
        Options = options;
        _runtime = new Lazy<RuntimeCli>(() => RuntimeCli.Resolve(options.Runtime));
    }

    public ImageOptions Options { get; }

    /// <summary>An image under test with explicit options, outside a test framework's fixtures.</summary>
    public static ImageUnderTest For(ImageOptions options) => new(options);

    /// <summary>The runtime CLI in use: <c>podman</c> or <c>docker</c>.</summary>
    public string Runtime => _runtime.Value.Command;

    /// <summary>
    /// Starts a container with the profile (and the test's <paramref name="configure"/> overrides) and
    /// returns once its port accepts connections and, when <see cref="TestProfile.ReadyPath"/> is set,
    /// that path answers 2xx.
    /// </summary>
    /// <exception cref="ContainerStartException">It exited, was OOM-killed, or was not ready within the profile's timeout; it has been removed.</exception>
    public async Task<RunningContainer> StartAsync(Action<ContainerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new ContainerOptions();
        configure?.Invoke(options);
        var profile = options.ApplyTo(Options.Profile);
        profile.Validate();

        var runtime = _runtime.Value;
        var id = await runtime.RunAsync(RunArguments(profile, options.Environment), Options.Image, cancellationToken).ConfigureAwait(false);
        ExitCleanup.Track(runtime.Command, id);
        CgroupMonitor? monitor = null;
        try
        {
            var (published, started) = await WaitUntilReadyAsync(runtime, id, profile, cancellationToken).ConfigureAwait(false);
            monitor = started;
            var container = new RunningContainer(runtime, id, Options.Image, profile, published, monitor);
            _started[container] = 0;
            return container;
        }
        catch
        {
            // Also on cancellation: a container that never became a RunningContainer is nobody's to remove.
            await runtime.RemoveAsync([id], CancellationToken.None).ConfigureAwait(false);
            ExitCleanup.Untrack(id);
            if (monitor is not null)
            {
                await monitor.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _started.Keys)
        {
            await container.DisposeAsync().ConfigureAwait(false);
        }

        _started.Clear();
        GC.SuppressFinalize(this);
    }

    public void Dispose()
    {
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    private List<string> RunArguments(TestProfile profile, IDictionary<string, string> environment)
    {
        List<string> arguments =
        [
            "--label", $"io.drydock.run={Options.RunId}",
            "--label", $"io.drydock.pid={Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}",
            "--cpus", profile.Cpus.ToString(CultureInfo.InvariantCulture),
            // Swap equal to memory: no swap, so the memory limit is a real limit.
            "--memory", profile.Memory,
            "--memory-swap", profile.Memory,
            // Removal stops with SIGTERM first; an app that ignores it is killed after 2 s, not the default 10 s.
            "--stop-timeout", "2",
            // Ephemeral host port on loopback only: tests run in parallel and nothing else should reach them.
            "--publish", $"127.0.0.1::{profile.Port.ToString(CultureInfo.InvariantCulture)}",
        ];
        if (profile.PidsLimit is { } pids)
        {
            arguments.AddRange(["--pids-limit", pids.ToString(CultureInfo.InvariantCulture)]);
        }

        if (profile.ReadOnly)
        {
            arguments.AddRange(["--read-only", "--tmpfs", "/tmp"]);
        }

        foreach (var (name, value) in environment)
        {
            arguments.AddRange(["--env", $"{name}={value}"]);
        }

        return arguments;
    }

    private async Task<(IPEndPoint Published, CgroupMonitor? Monitor)> WaitUntilReadyAsync(
        RuntimeCli runtime, string id, TestProfile profile, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var backoff = FirstBackoff;
        IPEndPoint? published = null;
        CgroupMonitor? monitor = null;
        long lastInspect = 0;
        using var http = new HttpClient { Timeout = ProbeTimeout };
        try
        {
            while (true)
            {
                if (published is null || Stopwatch.GetElapsedTime(lastInspect) >= InspectInterval)
                {
                    lastInspect = Stopwatch.GetTimestamp();
                    var facts = await runtime.InspectAsync(id, profile.Port, cancellationToken).ConfigureAwait(false);
                    if (!facts.Running)
                    {
                        var oomKilled = facts.OomKilled || monitor?.SawOomKill == true
                            || await KernelLog.ReportsOomKillAsync(id, facts.ExitCode, cancellationToken).ConfigureAwait(false);
                        var state = new ContainerState(facts.Status, false, facts.ExitCode, oomKilled);
                        throw await FailAsync(runtime, id, Codes.ContainerExited,
                            $"the container of '{Options.Image}' exited before it was ready ({state}).", state).ConfigureAwait(false);
                    }

                    monitor ??= facts.Pid > 0 ? CgroupMonitor.TryStart(facts.Pid) : null;
                    published ??= facts.HostPort is { } port ? new IPEndPoint(IPAddress.Loopback, port) : null;
                }

                if (published is not null && await IsReadyAsync(http, published, profile.ReadyPath, cancellationToken).ConfigureAwait(false))
                {
                    return (published, monitor);
                }

                var elapsed = Stopwatch.GetElapsedTime(started);
                if (elapsed >= profile.Timeout)
                {
                    var state = new ContainerState("running", true, 0, false);
                    var what = profile.ReadyPath is null ? $"port {profile.Port} accepted no connection" : $"GET {profile.ReadyPath} on port {profile.Port} answered no 2xx";
                    throw await FailAsync(runtime, id, Codes.NotReady,
                        $"the container of '{Options.Image}' was not ready within {profile.Timeout.TotalSeconds:0.###} s: {what}. " +
                        "Check that the app listens on that port (ASPNETCORE_HTTP_PORTS) on all interfaces, or raise ContainerTestTimeout.", state).ConfigureAwait(false);
                }

                await Task.Delay(Min(backoff, profile.Timeout - elapsed), cancellationToken).ConfigureAwait(false);
                backoff = Min(backoff * 2, MaxBackoff);
            }
        }
        catch when (monitor is not null)
        {
            await monitor.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient http, IPEndPoint endpoint, string? readyPath, CancellationToken cancellationToken)
    {
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connect.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(endpoint, connect.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return false;
            }
        }

        if (readyPath is null)
        {
            return true;
        }

        try
        {
            using var response = await http.GetAsync(new Uri($"http://{endpoint}{readyPath}"), cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private async Task<ContainerStartException> FailAsync(RuntimeCli runtime, string id, string code, string reason, ContainerState state)
    {
        var logs = await runtime.LogsAsync(id, FailureLogLines, CancellationToken.None).ConfigureAwait(false);
        return new ContainerStartException(code, Options.Image, id, reason, state, logs);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
