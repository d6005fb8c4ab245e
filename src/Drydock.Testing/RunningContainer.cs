using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

using Drydock.Runtime;
using Drydock.Values;

namespace Drydock.Testing;

/// <summary>
/// A container started from the image under test, ready to answer. Dispose it to stop and remove it.
/// </summary>
public sealed partial class RunningContainer : IAsyncDisposable
{
    private static readonly TimeSpan StatePollInterval = TimeSpan.FromMilliseconds(100);

    private readonly ContainerEngine _runtime;
    private readonly CgroupMonitor? _monitor;
    private readonly LatencyProxy? _proxy;
    private readonly bool _removeBehind;
    private readonly bool _killOnly;
    private int _disposed;

    private readonly IPEndPoint? _endpoint;
    private readonly IPEndPoint? _published;

    internal RunningContainer(ContainerEngine runtime, string id, string image, TestProfile profile, IPEndPoint? published, CgroupMonitor? monitor, bool removeBehind, bool killOnly = false)
    {
        (_runtime, Id, Image, Profile, _monitor, _published, _removeBehind) = (runtime, id, image, profile, monitor, published, removeBehind);
        // Only behind the tests: a container on a test's own network must be gone before the test removes the network.
        _killOnly = removeBehind && killOnly;
        if (profile.Latency > TimeSpan.Zero && published is not null)
        {
            _proxy = LatencyProxy.Start(published, profile.Latency, profile.Jitter);
        }

        _endpoint = _proxy?.Endpoint ?? published;
        Http = _endpoint is null ? new HttpClient() : new HttpClient { BaseAddress = new Uri($"http://{_endpoint}/") };
    }

    /// <summary>The full container id.</summary>
    public string Id { get; }

    public string Image { get; }

    /// <summary>The profile it was started with, after the test's overrides.</summary>
    public TestProfile Profile { get; }

    /// <summary>Where the app answers on the host: the published port, or the latency proxy in front of it.</summary>
    /// <exception cref="InvalidOperationException">DRY5103: the profile has no port (<c>ContainerTestPort</c> none), so none is published.</exception>
    public IPEndPoint Endpoint => _endpoint ?? throw new InvalidOperationException(
        $"{ImageTestCodes.InvalidSetting}: the container of '{Image}' was started with no port ({DrydockVariables.Port}=none), so it has no endpoint; set ContainerTestPort to the port the app listens on.");

    /// <summary>
    /// Where the engine publishes the app's port: this machine's loopback for a local engine, the engine's host
    /// for a remote one, or the override (<see cref="ImageOptions.Host"/>). <see cref="Endpoint"/> is this, or the
    /// latency proxy in front of it.
    /// </summary>
    /// <exception cref="InvalidOperationException">DRY5103: the profile has no port, so none is published.</exception>
    public IPEndPoint PublishedEndpoint => _published ?? throw new InvalidOperationException(
        $"{ImageTestCodes.InvalidSetting}: the container of '{Image}' was started with no port ({DrydockVariables.Port}=none), so it has no published endpoint; set ContainerTestPort to the port the app listens on.");

    /// <summary>A client for <see cref="Endpoint"/> (through the latency proxy when the profile has latency); without a port, one with no base address.</summary>
    public HttpClient Http { get; }

    /// <summary>The container's last <paramref name="tail"/> log lines (standard output and error).</summary>
    public Task<string> GetLogsAsync(int tail = 50, CancellationToken cancellationToken = default) =>
        _runtime.LogsAsync(Id, tail, cancellationToken);

    /// <summary>Whether it still runs, and if not, its exit code and whether it was OOM-killed.</summary>
    public async Task<ContainerState> GetStateAsync(CancellationToken cancellationToken = default)
    {
        var facts = await _runtime.InspectAsync(Id, Profile.Port ?? 0, cancellationToken).ConfigureAwait(false);
        var oomKilled = facts.OomKilled || (!facts.Running && (_monitor?.SawOomKill == true
            || await KernelLog.ReportsOomKillAsync(Id, facts.ExitCode, cancellationToken).ConfigureAwait(false)));
        return new ContainerState(facts.Status, facts.Running, facts.ExitCode, oomKilled);
    }

    /// <summary>Waits until the container has exited, at most <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">It still runs after the timeout.</exception>
    public async Task<ContainerState> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var state = await GetStateAsync(cancellationToken).ConfigureAwait(false);
            if (!state.Running)
            {
                return state;
            }

            if (Stopwatch.GetElapsedTime(started) >= timeout)
            {
                throw new TimeoutException($"Container {Id[..12]} of '{Image}' still runs after {timeout.TotalSeconds:0.#} s.");
            }

            await Task.Delay(StatePollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Peak memory and CPU time so far, read from the container's cgroup on the host (cgroup v1:
    /// <c>memory.max_usage_in_bytes</c>, <c>cpuacct.usage</c>; v2: <c>memory.peak</c>, <c>cpu.stat</c>).
    /// Where the host cannot see the cgroup (rootless, a VM), from <c>stats --no-stream</c>: current
    /// memory, not the peak. After the container exited: the last sample.
    /// </summary>
    public ContainerStats Stats()
    {
        if (_monitor is not null)
        {
            return _monitor.Stats;
        }

        var json = _runtime.StatsJsonAsync(Id, CancellationToken.None).GetAwaiter().GetResult();
        return ParseRuntimeStats(json);
    }

    /// <summary>
    /// Once disposed: the container's removal, which runs behind the tests (<see cref="ContainerRemoval"/>); the
    /// <see cref="ImageUnderTest"/> that started it waits for it when disposed. Null before.
    /// </summary>
    internal Task? Removal { get; private set; }

    /// <summary>
    /// Closes the latency proxy and the client, and has the container stopped (SIGTERM) and removed. On the engine's
    /// default network the removal runs behind the tests (the next test does not wait for the engine's cleanup, a
    /// third of a second here), and disposing the <see cref="ImageUnderTest"/> waits until its containers are gone; in a
    /// publish's run it is only killed (SIGKILL), with nothing waiting for the kill, and the publish removes it after the test host. On a network of the test's (<see cref="ContainerOptions.Network"/>) it is gone when this returns: the test
    /// may remove the network next.
    /// </summary>
    /// <exception cref="InvalidOperationException">DRY5105: the engine could not remove it (on a test's network; else from the fixture's disposal).</exception>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Http.Dispose();
        Removal = ContainerRemoval.RemoveAsync(_runtime, Id, _killOnly);
        try
        {
            if (_proxy is not null)
            {
                await _proxy.DisposeAsync().ConfigureAwait(false);
            }

            if (!_removeBehind)
            {
                await Removal.ConfigureAwait(false);
            }
        }
        finally
        {
            if (_monitor is not null)
            {
                await _monitor.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>podman: <c>mem_usage</c> "60.5MB / 201.3MB", <c>cpu_time</c> "677.4ms"; docker: <c>MemUsage</c> "60MiB / 192MiB".</summary>
    internal static ContainerStats ParseRuntimeStats(string json)
    {
        long memory = 0;
        TimeSpan? cpu = null;
        if (!string.IsNullOrWhiteSpace(json))
        {
            using var document = JsonDocument.Parse(json);
            var stats = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement[0] : document.RootElement;
            foreach (var property in stats.EnumerateObject())
            {
                if (property.Name is "mem_usage" or "MemUsage")
                {
                    memory = Sizes.Parse(property.Value.GetString()?.Split('/')[0]) ?? 0;
                }
                else if (property.Name is "cpu_time")
                {
                    cpu = ParseGoDuration(property.Value.GetString() ?? "");
                }
            }
        }

        return new ContainerStats(memory, cpu, "runtime stats");
    }

    private static TimeSpan? ParseGoDuration(string text)
    {
        var total = TimeSpan.Zero;
        var matches = GoDurationPattern().Matches(text);
        foreach (Match match in matches)
        {
            var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            total += match.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "us" or "µs" => TimeSpan.FromMicroseconds(number),
                _ => TimeSpan.FromTicks((long)(number / 100)),
            };
        }

        return matches.Count > 0 ? total : null;
    }

    [GeneratedRegex("([0-9.]+)(h|ms|m|s|us|µs|ns)")]
    private static partial Regex GoDurationPattern();
}
