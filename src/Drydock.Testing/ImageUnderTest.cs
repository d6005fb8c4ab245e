using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

using Drydock.Runtime;

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
    private static readonly TimeSpan SocketPollInterval = TimeSpan.FromMilliseconds(10);

    // Inspecting costs a runtime call (tens of milliseconds); the TCP probe costs nothing.
    private static readonly TimeSpan InspectInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ExitPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ReadyLogMatchTimeout = TimeSpan.FromSeconds(1);

    // How long a connect must stay open to count as the app's (see HoldsAsync): a forwarder whose own connect
    // into the container is refused closes within a round trip; at least this, and 4 of the connect's round trips.
    private static readonly TimeSpan HoldTime = TimeSpan.FromMilliseconds(250);

    private static readonly int MinWorkerThreads = 8 + Environment.ProcessorCount;

    private readonly Lazy<ImageOptions> _options;
    private readonly Lazy<ContainerEngine> _engine;
    private readonly Lazy<AppAddress> _address;
    private readonly ConcurrentDictionary<RunningContainer, byte> _started = new();

    static ImageUnderTest()
    {
        // The test host blocks thread-pool threads of its own (VSTest's message loop, the test framework's runners),
        // so on a small machine the pool's minimum (one thread per core) is soon all taken, and the continuations of
        // a start's readiness, the latency proxy and the removals wait for the pool to add threads, about two a
        // second: 0.75 s on the first request of a run on 2 cores. A few more threads up front cost nothing.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        var wanted = Math.Max(workers, MinWorkerThreads);
        ThreadPool.SetMinThreads(wanted, completionPorts);
    }

    /// <summary>
    /// Reads the image and the profile from the environment (<see cref="ImageOptions.FromEnvironment"/>) when first needed: a
    /// test host the publish started before its image was built waits for the image there, while the fixtures beside this
    /// one (a database) start.
    /// </summary>
    public ImageUnderTest()
        : this(new Lazy<ImageOptions>(() => Validated(ImageOptions.FromEnvironment())))
    {
    }

    /// <summary>
    /// For a fixture of your own with explicit options (xunit wants a fixture with one public
    /// constructor): <c>class ShopImage() : ImageUnderTest(new ImageOptions { Image = "shop/api:dev" });</c>
    /// </summary>
    protected ImageUnderTest(ImageOptions options)
        : this(new Lazy<ImageOptions>(Validated(options)))
    {
    }

    private ImageUnderTest(Lazy<ImageOptions> options)
    {
        _options = options;
        _engine = new Lazy<ContainerEngine>(() => Engines.Resolve(Options.Runtime, Options.Connection));
        _address = new Lazy<AppAddress>(() => AppAddress.Resolve(_engine.Value.Endpoint, Options.Host, Environment.GetEnvironmentVariable));
    }

    /// <summary>The image and profile; read from the environment on first use (<see cref="ImageOptions.FromEnvironment"/>).</summary>
    /// <exception cref="InvalidOperationException">DRY5104 or DRY5103, as <see cref="ImageOptions.FromEnvironment"/> says.</exception>
    public ImageOptions Options => _options.Value;

    private static ImageOptions Validated(ImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Profile.Validate();
        return options;
    }

    /// <summary>An image under test with explicit options, outside a test framework's fixtures.</summary>
    public static ImageUnderTest For(ImageOptions options) => new(options);

    /// <summary>The engine in use: <c>docker</c> or <c>podman</c>.</summary>
    public string Runtime => _engine.Value.Command;

    /// <summary>
    /// Where the engine's published ports answer: this machine's loopback for a local engine, the engine's
    /// host for a remote one (<c>DOCKER_HOST=tcp://docker:2375</c>: <c>docker</c>'s address), or the override
    /// (<see cref="ImageOptions.Host"/>, <c>TESTCONTAINERS_HOST_OVERRIDE</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">DRY5107: that host does not resolve; DRY5105: no engine answers.</exception>
    public IPAddress PublishedAddress => _address.Value.Address;

    /// <summary>
    /// Starts a container with the profile (and the test's <paramref name="configure"/> overrides) and
    /// returns once the app itself is ready, never on the say-so of a port forwarder. Readiness is, first
    /// that applies: <see cref="TestProfile.ReadyLogPattern"/>, a line of its output matches;
    /// <see cref="TestProfile.ReadyWhenStarted"/>, it runs (a worker); <see cref="TestProfile.ReadyPath"/>,
    /// that path answers 2xx on <see cref="TestProfile.Port"/>; else the app listens on the port in the
    /// container (its sockets, read from the host's <c>/proc/&lt;pid&gt;/net/tcp{,6}</c>) and a connect through
    /// the published port reaches it, or, where this machine cannot see the container's process (a remote
    /// engine, Docker Desktop, rootless podman), a connect through the published port that the app holds open
    /// past the port forwarder's handshake, or the image's health check says healthy (docs/image-tests.md, "Readiness"). Starts from tests
    /// that run in parallel run together while the machine's CPUs hold their profiles' (one always runs).
    /// </summary>
    /// <exception cref="ContainerStartException">DRY5101: it exited or was OOM-killed first, with its exit code; DRY5102: not ready within
    /// the profile's timeout, naming the port or the log pattern waited on (and the ports the app listens on). It has been removed.</exception>
    /// <exception cref="InvalidOperationException">DRY5103: the profile has no port (<c>ContainerTestPort</c> none) and no other readiness;
    /// DRY5105: no engine answers, or it could not create the container.</exception>
    /// <exception cref="ArgumentException"><see cref="ContainerOptions.NetworkAliases"/> without a <see cref="ContainerOptions.Network"/>.</exception>
    public async Task<RunningContainer> StartAsync(Action<ContainerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new ContainerOptions();
        configure?.Invoke(options);
        var profile = options.ApplyTo(Options.Profile);
        profile.Validate();
        if (profile.Port is null && profile.ReadyLogPattern is null && !profile.ReadyWhenStarted)
        {
            throw new InvalidOperationException(
                $"{ImageTestCodes.InvalidSetting}: '{Options.Image}' is tested with no port ({DrydockVariables.Port}=none: ContainerTestPort is none, or the image exposes no port), " +
                "so StartAsync has nothing to wait for. Set ContainerTestPort to the port the app listens on; or choose another readiness: a line of its output " +
                "(ReadyLogPattern, DrydockTestReadyLogPattern) or ReadyWhenStarted for a worker; for a console app or a job, use RunToExitAsync.");
        }

        var engine = _engine.Value;
        var arguments = StartArguments(engine, profile, options, publish: true);
        // A container the publish started with these very arguments while the test host started (else null).
        var warm = Options.WarmContainers() is { } offer
            ? await offer.TakeAsync(ContainerLimits.StartKey(engine.Command, Options.Image, arguments), cancellationToken).ConfigureAwait(false)
            : null;
        // Starts of parallel test classes run together, as many as the machine's CPUs hold at the profile's.
        using var slot = warm is null ? await StartGate.Machine.EnterAsync(profile.Cpus, cancellationToken).ConfigureAwait(false) : null;
        var id = warm?.Id ?? await engine.RunAsync([.. LabelArguments(), .. arguments], Options.Image, cancellationToken).ConfigureAwait(false);
        ExitCleanup.Track(engine, id);
        CgroupMonitor? monitor = null;
        try
        {
            var (published, started) = await WaitUntilReadyAsync(engine, id, profile, warm?.Facts, cancellationToken).ConfigureAwait(false);
            monitor = started;
            var container = new RunningContainer(engine, id, Options.Image, profile, published, monitor, removeBehind: options.Network is not { Length: > 0 },
                killOnly: TestRun.RemovedAfter && Options.RunId == TestRun.Id);
            _started[container] = 0;
            return container;
        }
        catch
        {
            // Also on cancellation: a container that never became a RunningContainer is nobody's to remove.
            await engine.RemoveAsync([id], CancellationToken.None).ConfigureAwait(false);
            ExitCleanup.Untrack(id);
            if (monitor is not null)
            {
                await monitor.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Runs the image to completion, as a console app or a job runs: with <paramref name="args"/> after the
    /// image (the entrypoint's arguments; none keeps the image's own command), under the profile's limits
    /// (CPU, memory, pids, read-only root) and the test's <paramref name="configure"/> overrides and
    /// environment. No port is published and nothing is waited for but the exit. The container is removed.
    /// </summary>
    /// <param name="args">Arguments for the app; empty for the image's own <c>CMD</c>.</param>
    /// <param name="timeout">The bound on the run, from the start; past it the container is killed.</param>
    /// <param name="configure">The test's overrides of the profile, and environment variables for the app.</param>
    /// <param name="cancellationToken">Stops waiting; the container is removed.</param>
    /// <returns>Exit code, the whole stdout and stderr (apart and merged), OOM state and duration.</returns>
    /// <exception cref="ContainerStartException">DRY5106: it still ran after <paramref name="timeout"/>; it has been killed and removed, its log kept.</exception>
    /// <exception cref="InvalidOperationException">DRY5105: no engine answers, or it could not create the container.</exception>
    public async Task<ContainerExit> RunToExitAsync(IEnumerable<string> args, TimeSpan timeout, Action<ContainerOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var options = new ContainerOptions();
        configure?.Invoke(options);
        var profile = options.ApplyTo(Options.Profile);
        profile.Validate();

        var engine = _engine.Value;
        var id = await engine.RunAsync([.. LabelArguments(), .. StartArguments(engine, profile, options, publish: false)], Options.Image, cancellationToken, [.. args]).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        ExitCleanup.Track(engine, id);
        try
        {
            while (true)
            {
                var facts = await engine.InspectAsync(id, 0, cancellationToken).ConfigureAwait(false);
                if (!facts.Running && facts.Status != "created")
                {
                    var duration = Stopwatch.GetElapsedTime(started);
                    var oomKilled = facts.OomKilled || await KernelLog.ReportsOomKillAsync(id, facts.ExitCode, cancellationToken).ConfigureAwait(false);
                    var logs = await engine.FullLogsAsync(id, cancellationToken).ConfigureAwait(false);
                    return new ContainerExit(id, facts.ExitCode, logs.StandardOutput, logs.StandardError, logs.Merged, oomKilled, duration);
                }

                var elapsed = Stopwatch.GetElapsedTime(started);
                if (elapsed >= timeout)
                {
                    var state = new ContainerState(facts.Status, true, 0, false);
                    throw await FailAsync(engine, id, ImageTestCodes.RunTimedOut,
                        $"the container of '{Options.Image}' still ran after {timeout.TotalSeconds:0.###} s, the run's timeout; it has been killed. " +
                        "If the job needs longer, raise the timeout given to RunToExitAsync; if it waits for input or a service, give it what it waits for.", state).ConfigureAwait(false);
                }

                await Task.Delay(Min(ExitPollInterval, timeout - elapsed), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await engine.RemoveAsync([id], CancellationToken.None).ConfigureAwait(false);
            ExitCleanup.Untrack(id);
        }
    }

    /// <summary>Removes the containers the tests did not dispose, and waits until every container it started is gone.</summary>
    /// <exception cref="InvalidOperationException">DRY5105: the engine could not remove one (the publish's sweep tries again).</exception>
    public async ValueTask DisposeAsync()
    {
        var started = _started.Keys.ToList();
        foreach (var container in started)
        {
            await container.DisposeAsync().ConfigureAwait(false);
        }

        _started.Clear();
        GC.SuppressFinalize(this);
        await Task.WhenAll(started.Select(container => container.Removal ?? Task.CompletedTask)).ConfigureAwait(false);
    }

    public void Dispose()
    {
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The <c>run</c> arguments but the labels: the profile's limits (<see cref="ContainerLimits.Arguments"/>), then the
    /// test's network and environment. A warm container (<see cref="WarmContainers"/>) matches a start by these.
    /// </summary>
    private List<string> StartArguments(ContainerEngine engine, TestProfile profile, ContainerOptions options, bool publish)
    {
        var limits = new ContainerLimits(profile.Cpus, profile.MemoryBytes, profile.PidsLimit, profile.ReadOnly, profile.Tmpfs, profile.Port);
        var arguments = limits.Arguments(engine.Command, Options.Platform, publish, _address.Value.IsLoopback);
        if (options.Network is { Length: > 0 } network)
        {
            // Both engines take a user-defined network by name; aliases only count on such a network.
            arguments.AddRange(["--network", network]);
            foreach (var alias in options.NetworkAliases)
            {
                arguments.AddRange(["--network-alias", alias]);
            }
        }
        else if (options.NetworkAliases.Count > 0)
        {
            throw new ArgumentException("NetworkAliases need a Network: the engine's default bridge has no aliases.", nameof(options));
        }

        foreach (var (name, value) in options.Environment)
        {
            arguments.AddRange(["--env", $"{name}={value}"]);
        }

        return arguments;
    }

    /// <summary>The run's labels, which the sweeps and the run's removal go by (<see cref="RunLabels"/>).</summary>
    private List<string> LabelArguments() => RunLabels.Arguments(Options.RunId);

    /// <summary>
    /// Polls until the app is ready (see <see cref="StartAsync"/>), the container exits (DRY5101), or the
    /// profile's timeout passes (DRY5102). A connect to the published port alone proves nothing: docker-proxy
    /// and rootlessport accept it while nothing listens inside. <c>inspected</c>: what the engine said of it already (a
    /// container the publish started ahead), instead of the first inspect.
    /// </summary>
    private async Task<(IPEndPoint? Published, CgroupMonitor? Monitor)> WaitUntilReadyAsync(
        ContainerEngine engine, string id, TestProfile profile, ContainerFacts? inspected, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var backoff = FirstBackoff;
        IPEndPoint? published = null;
        ContainerProcess? process = null;
        CgroupMonitor? monitor = null;
        string? health = null;
        var seen = (IReadOnlyList<ListeningSocket>)[];
        long lastInspect = 0;
        var logMatched = false;
        var pattern = profile.ReadyLogPattern is { } text ? new Regex(text, RegexOptions.Multiline, ReadyLogMatchTimeout) : null;
        using var http = new HttpClient { Timeout = ProbeTimeout };
        try
        {
            while (true)
            {
                // Without a port to probe, the engine is all there is to ask: at its cadence. With the container's
                // process visible here and its sockets the test, /proc says whether it still runs: the engine is
                // asked again only once it stopped (each ask is a CLI process beside the app's own start).
                var watched = process is not null && pattern is null && !profile.ReadyWhenStarted;
                if (inspected is not null || (published is null && profile.Port is not null)
                    || (watched ? !process!.IsRunning : Stopwatch.GetElapsedTime(lastInspect) >= InspectInterval))
                {
                    lastInspect = Stopwatch.GetTimestamp();
                    var facts = inspected ?? await engine.InspectAsync(id, profile.Port ?? 0, cancellationToken).ConfigureAwait(false);
                    inspected = null;
                    if (!facts.Running)
                    {
                        var oomKilled = facts.OomKilled || monitor?.SawOomKill == true
                            || await KernelLog.ReportsOomKillAsync(id, facts.ExitCode, cancellationToken).ConfigureAwait(false);
                        var state = new ContainerState(facts.Status, false, facts.ExitCode, oomKilled);
                        throw await FailAsync(engine, id, ImageTestCodes.ContainerExited,
                            $"the container of '{Options.Image}' exited before it was ready ({state}).", state).ConfigureAwait(false);
                    }

                    // An engine reached over the network numbers pids in its own namespace: whatever runs here under that number is not the container.
                    process ??= engine.Endpoint.IsLocalSocket ? ContainerProcess.TryFind(facts.Pid, id) : null;
                    monitor ??= process is not null ? CgroupMonitor.TryStart(facts.Pid) : null;
                    published ??= facts.HostPort is { } port ? new IPEndPoint(_address.Value.Address, port) : null;
                    health = facts.Health;
                    if (pattern is not null)
                    {
                        var logs = await engine.FullLogsAsync(id, cancellationToken).ConfigureAwait(false);
                        logMatched = pattern.IsMatch(logs.Merged);
                    }
                }

                if (pattern is not null || profile.ReadyWhenStarted)
                {
                    // Ready by the log or by running at all: the port, if any, is only published.
                    if (logMatched || (pattern is null && lastInspect != 0))
                    {
                        return (published, monitor);
                    }
                }
                else if (published is not null)
                {
                    seen = process?.ListeningSockets() ?? seen;
                    if (await IsReadyAsync(http, published, profile, process is null ? null : seen, health, cancellationToken).ConfigureAwait(false))
                    {
                        return (published, monitor);
                    }
                }

                var elapsed = Stopwatch.GetElapsedTime(started);
                if (elapsed >= profile.Timeout)
                {
                    var state = new ContainerState("running", true, 0, false);
                    // This machine cannot see the container's sockets: the engine's own view names the port the app took instead.
                    var (sockets, unknownBecause) = process is not null ? (seen, "")
                        : pattern is null ? await EngineSockets.ReadAsync(engine, id, Options.Image, LabelArguments(), cancellationToken).ConfigureAwait(false)
                        : (null, "");
                    throw await FailAsync(engine, id, ImageTestCodes.NotReady,
                        $"the container of '{Options.Image}' was not ready within {profile.Timeout.TotalSeconds:0.###} s: {NotReadyReason(profile, sockets, process is null, unknownBecause, published, _address.Value)}", state).ConfigureAwait(false);
                }

                // The container's sockets cost a file read: polled often. A probe over the network backs off.
                await Task.Delay(Min(process is null ? backoff : SocketPollInterval, profile.Timeout - elapsed), cancellationToken).ConfigureAwait(false);
                backoff = Min(backoff * 2, MaxBackoff);
            }
        }
        catch when (monitor is not null)
        {
            await monitor.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Ready when the app itself answered. With <see cref="TestProfile.ReadyPath"/>: a 2xx to <c>GET</c> it.
    /// Without: a listening socket on the port in the container (<paramref name="sockets"/>, when the
    /// host sees the container's process) that a connect through the published port reaches; else a connect
    /// the app holds open (<see cref="HoldsAsync"/>), or the image's own health check saying healthy.
    /// </summary>
    private static async Task<bool> IsReadyAsync(
        HttpClient http, IPEndPoint endpoint, TestProfile profile, IReadOnlyList<ListeningSocket>? sockets, string? health, CancellationToken cancellationToken)
    {
        var listening = sockets?.Any(socket => socket.Port == profile.Port && !socket.LoopbackOnly);
        if (listening == false)
        {
            return false;
        }

        if (profile.ReadyPath is not null)
        {
            return await AnswersAsync(http, endpoint, profile.ReadyPath, successOnly: true, cancellationToken).ConfigureAwait(false);
        }

        if (listening == true)
        {
            // The app listens; this proves the forwarder in front of it is in place too.
            return await ConnectsAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }

        return health == "healthy" || await HoldsAsync(endpoint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A connect through the published port that stays open: a port forwarder (docker-proxy, rootlessport, a
    /// remote engine's) accepts the connect, then closes or resets it once its own connect into the container
    /// is refused, while the app itself holds it open waiting for a request (or greets first). Open for
    /// <see cref="HoldTime"/> and at least 4 of the connect's round trips, or data came: the app. Any protocol;
    /// nothing runs in the container.
    /// </summary>
    private static async Task<bool> HoldsAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var started = Stopwatch.GetTimestamp();
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

        var roundTrip = Stopwatch.GetElapsedTime(started);
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hold.CancelAfter(roundTrip * 4 > HoldTime ? roundTrip * 4 : HoldTime);
        try
        {
            // 0 bytes: the peer closed it; data: the app greets first.
            return await socket.ReceiveAsync(new byte[1], SocketFlags.None, hold.Token).ConfigureAwait(false) > 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return true;
        }
        catch (SocketException)
        {
            return false; // reset
        }
    }

    private static async Task<bool> ConnectsAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connect.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, connect.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>An HTTP response came back (a forwarder with nothing behind it gives an empty reply or a reset).</summary>
    private static async Task<bool> AnswersAsync(HttpClient http, IPEndPoint endpoint, string path, bool successOnly, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"http://{endpoint}{path}"), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return !successOnly || response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>
    /// What was waited for, how it was checked, and what the app listens on instead: <paramref name="sockets"/> from
    /// <c>/proc</c> here, or from the engine's side when <paramref name="remote"/> (<see cref="EngineSockets"/>); null
    /// when unknown, <paramref name="unknownBecause"/> saying why.
    /// </summary>
    private static string NotReadyReason(TestProfile profile, IReadOnlyList<ListeningSocket>? sockets, bool remote, string unknownBecause, IPEndPoint? published, AppAddress address)
    {
        if (profile.ReadyLogPattern is { } pattern)
        {
            return $"no line of its output matched the ready log pattern '{pattern}' (ReadyLogPattern, {DrydockVariables.ReadyLogPattern}). " +
                "Make the pattern match the line the app prints once ready (see the log below), or raise ContainerTestTimeout for a slow start.";
        }

        var port = (profile.Port ?? 0).ToString(CultureInfo.InvariantCulture);
        var at = published is null ? $"the engine published no host port for it" : $"published at {published} ({address.Source})";
        var how = !remote ? "its sockets, from /proc"
            : sockets is null ? $"this machine cannot see the container's sockets (a remote engine) and {unknownBecause}, so the port the app listens on is unknown"
            : "its sockets as the engine sees them, from a helper container in its network namespace; this machine cannot see them (a remote engine)";
        var waited = profile.ReadyPath is { } path
            ? $"waited on port {port} ({at}) for a 2xx answer to GET {path}" + (remote ? $"; {how}" : "")
            : remote
            ? $"waited on port {port} ({at}) for a connect the app holds open past the engine's port forwarder; {how}"
            : $"waited on port {port} ({at}) for the app to listen in the container ({how}) and answer";
        var found = sockets switch
        {
            null => "",
            [] => "; the app listens on no TCP port",
            _ => $"; the app listens on {string.Join(", ", sockets.Select(socket => socket.LoopbackOnly ? $"{socket} (loopback only: unreachable from outside the container)" : socket.ToString()).Distinct())}",
        };
        var noListener = sockets is null or [] ? " An app that serves no port (a worker, a job) is ready by its log: StartAsync(o => o.ReadyLogPattern = \"…\") or o.ReadyWhenStarted = true." : "";
        return $"{waited}{found}. Make the app listen on port {port} on all interfaces (ASPNETCORE_HTTP_PORTS, ContainerPort) or set ContainerTestPort to the port it uses; for a slow start, raise ContainerTestTimeout.{noListener}";
    }

    /// <summary>The failure, with the head and tail of the whole log (the cause is usually early), and the whole log written to the results folder.</summary>
    private async Task<ContainerStartException> FailAsync(ContainerEngine engine, string id, string code, string reason, ContainerState state)
    {
        var logs = (await engine.FullLogsAsync(id, CancellationToken.None).ConfigureAwait(false)).Merged;
        var file = LogExcerpt.Write(Options.ResultsDirectory, Options.Image, id, logs);
        var tested = Options.Origin is { } origin ? $" (Tested: the {origin}.)" : "";
        return new ContainerStartException(code, Options.Image, id, reason + tested, state, LogExcerpt.Of(logs), file);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
