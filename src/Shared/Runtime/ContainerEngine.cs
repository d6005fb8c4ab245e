using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

using Drydock.Processes;

namespace Drydock.Runtime;

/// <summary>What the engine says about a container (<c>inspect</c>), the same fields from docker and podman.</summary>
/// <param name="Status">The engine's word for the state: <c>created</c>, <c>running</c>, <c>exited</c>, …</param>
/// <param name="Running">Whether the main process still runs.</param>
/// <param name="ExitCode">The main process's exit code once it has exited (137: killed by SIGKILL).</param>
/// <param name="OomKilled">The engine's own OOM flag (podman 4 with runc on cgroup v1 leaves it false).</param>
/// <param name="Pid">The main process in the engine's pid namespace (0 when not running); the host's pid on a local Linux engine.</param>
/// <param name="HostPort">The host port published for the asked container port, when there is one.</param>
/// <param name="Health">The image's own health check, when it has one: <c>starting</c>, <c>healthy</c>, <c>unhealthy</c>.</param>
internal sealed record ContainerFacts(string Status, bool Running, int ExitCode, bool OomKilled, int Pid, int? HostPort, string? Health);

/// <summary>A container's whole log: standard output, standard error, and both merged in the order written; each line ends with <c>\n</c>.</summary>
internal sealed record ContainerLogs(string StandardOutput, string StandardError, string Merged);

/// <summary>An engine command failed. The message names the command and the engine's first error line.</summary>
internal sealed class ContainerEngineException(string message) : InvalidOperationException(message);

/// <summary>
/// The one container-engine layer of Drydock (linked source: Drydock.Build loads and sweeps with it,
/// Drydock.Testing runs, inspects and removes with it). It drives the engine's CLI, <c>docker</c> or
/// <c>podman</c>, whose commands and JSON agree on everything used here; docs/how-it-works.md says why
/// a CLI and not the Engine API. The CLI brings the user's own connection: <c>DOCKER_HOST</c>, docker
/// contexts (<c>DOCKER_CONTEXT</c>, <c>docker context use</c>), Docker Desktop, podman's connections.
/// Every call is bounded; a failure throws <see cref="ContainerEngineException"/>, whose message starts
/// with <see cref="FailureCode"/> when one is given (Drydock.Testing's DRY5105).
/// </summary>
internal sealed class ContainerEngine
{
    /// <summary>The engines in the order the SDK tries them when <c>LocalRegistry</c> is empty.</summary>
    public static readonly IReadOnlyList<string> Names = ["docker", "podman"];

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RemovalPollInterval = TimeSpan.FromMilliseconds(200);

    // The connection's variables as they were when the engine was made: every command goes to that engine.
    private readonly IReadOnlyDictionary<string, string?> _connection;

    private ContainerEngine(string command, string? failureCode, EngineEndpoint endpoint, IReadOnlyDictionary<string, string?> connection) =>
        (Command, FailureCode, Endpoint, _connection) = (command, failureCode, endpoint, connection);

    /// <summary><c>docker</c> or <c>podman</c>.</summary>
    public string Command { get; }

    /// <summary>Where the engine is, as its CLI resolves it: this machine, or a remote host whose containers' processes and ports are not this machine's.</summary>
    public EngineEndpoint Endpoint { get; }

    /// <summary>The connection variables this engine's commands run with (<see cref="EngineEndpoint.Variables"/>), the set ones only.</summary>
    public IReadOnlyDictionary<string, string> Connection =>
        _connection.Where(variable => variable.Value is not null).ToDictionary(variable => variable.Key, variable => variable.Value!, StringComparer.Ordinal);

    /// <summary>Leads every failure message (e.g. <c>DRY5105</c>); null for none.</summary>
    public string? FailureCode { get; }

    /// <summary>Whether <paramref name="name"/> is <c>docker</c> or <c>podman</c>, in any case.</summary>
    public static bool IsKnown(string? name) => Names.Contains(name?.ToLowerInvariant());

    /// <summary>
    /// The engine <paramref name="name"/> when an engine answers it (<c>version</c> reaches the daemon or podman's store), else null.
    /// The connection's variables (<see cref="EngineEndpoint.Variables"/>) come from <paramref name="environment"/>, null for this process's environment.
    /// </summary>
    public static async Task<ContainerEngine?> AnsweringAsync(string name, string? failureCode, CancellationToken cancellationToken, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var command = name.ToLowerInvariant();
        try
        {
            // 'version' talks to the engine: a docker CLI without a reachable daemon fails here.
            var connection = EngineEndpoint.Pinned(environment);
            var endpoint = EngineEndpoint.ResolveAsync(command, environment, cancellationToken);
            var version = await ProcessRunner.RunAsync(command, ["version"], ProbeTimeout, cancellationToken, environment: connection).ConfigureAwait(false);
            return version.Succeeded ? new ContainerEngine(command, failureCode, await endpoint.ConfigureAwait(false), connection) : null;
        }
        catch (Exception e) when (e is FileNotFoundException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// The engine <paramref name="name"/> (<c>docker</c> or <c>podman</c>, any case), not asked whether it answers:
    /// its first command that fails tells. Its <see cref="Endpoint"/> is read from the CLI's settings (no daemon is asked).
    /// </summary>
    public static ContainerEngine Named(string name, string? failureCode, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var command = name.ToLowerInvariant();
        return new(command, failureCode, EngineEndpoint.ResolveAsync(command, environment, CancellationToken.None).GetAwaiter().GetResult(),
            EngineEndpoint.Pinned(environment));
    }

    /// <summary>The first engine of <see cref="Names"/> that answers, as the SDK detects; null when none does.</summary>
    public static async Task<ContainerEngine?> DetectAsync(string? failureCode, CancellationToken cancellationToken, Func<string, string?>? environment = null)
    {
        foreach (var name in Names)
        {
            if (await AnsweringAsync(name, failureCode, cancellationToken, environment).ConfigureAwait(false) is { } engine)
            {
                return engine;
            }
        }

        return null;
    }

    /// <summary><c>load --input</c>: an image archive the engine reads (docker-archive; OCI layout on podman and docker 25+).</summary>
    public async Task LoadAsync(string archive, CancellationToken cancellationToken) =>
        await CheckedAsync(["load", "--input", archive], LongTimeout, cancellationToken).ConfigureAwait(false);

    /// <summary><c>tag</c>: names the image <paramref name="id"/> (config digest, with or without <c>sha256:</c>).</summary>
    public async Task TagAsync(string id, string name, CancellationToken cancellationToken) =>
        await CheckedAsync(["tag", Hex(id), name], ShortTimeout, cancellationToken).ConfigureAwait(false);

    /// <summary>Every name of <paramref name="names"/> for the image <paramref name="id"/>: one <c>podman tag</c> takes them all, <c>docker tag</c> one at a time.</summary>
    public async Task TagAsync(string id, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        if (Command == "podman" && names.Count > 0)
        {
            await CheckedAsync(["tag", Hex(id), .. names], ShortTimeout, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var name in names)
        {
            await TagAsync(id, name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The image id (<c>sha256:…</c>) and the layers (diff_ids) of each of <paramref name="names"/> the engine
    /// knows; unknown names are left out (both engines print what they found, then fail for the rest).
    /// </summary>
    public async Task<IReadOnlyList<(string Id, IReadOnlyList<string> Layers)>> ImagesAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var inspect = await RunAsync(["image", "inspect", "--format", "{{.Id}} {{json .RootFS.Layers}}", .. names], ShortTimeout, cancellationToken).ConfigureAwait(false);
        var images = new List<(string, IReadOnlyList<string>)>();
        foreach (var line in Lines(inspect.StandardOutput))
        {
            var parts = line.Split(' ', 2);
            try
            {
                using var layers = JsonDocument.Parse(parts.Length == 2 ? parts[1] : "[]");
                images.Add(("sha256:" + Hex(parts[0]), [.. layers.RootElement.EnumerateArray().Select(layer => layer.GetString() ?? "")]));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                images.Add(("sha256:" + Hex(parts[0]), [])); // "null" or no list: layers unknown
            }
        }

        return images;
    }

    /// <summary><c>run -d</c>; <paramref name="command"/>, when given, goes after the image (the entrypoint's arguments). Returns the full container id.</summary>
    public async Task<string> RunAsync(IReadOnlyList<string> arguments, string image, CancellationToken cancellationToken, IReadOnlyList<string>? command = null)
    {
        var result = await CheckedAsync(["run", "-d", .. arguments, image, .. command ?? []], LongTimeout, cancellationToken).ConfigureAwait(false);
        return Lines(result.StandardOutput).LastOrDefault() is { Length: > 0 } id
            ? id
            : throw Failure($"'{Command} run' of image '{image}' printed no container id");
    }

    /// <summary><c>create</c>: a container made but not started (files can still be copied into it); returns its full id.</summary>
    public async Task<string> CreateAsync(IReadOnlyList<string> arguments, string image, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var result = await CheckedAsync(["create", .. arguments, image, .. command], LongTimeout, cancellationToken).ConfigureAwait(false);
        return Lines(result.StandardOutput).LastOrDefault() is { Length: > 0 } id
            ? id
            : throw Failure($"'{Command} create' of image '{image}' printed no container id");
    }

    /// <summary><c>cp</c>: the folder <paramref name="source"/> of this machine becomes <paramref name="path"/> in the container (the engine's archive API, no shell in the image).</summary>
    public async Task CopyIntoAsync(string source, string id, string path, CancellationToken cancellationToken) =>
        await CheckedAsync(["cp", source, $"{id}:{path}"], ShortTimeout, cancellationToken).ConfigureAwait(false);

    /// <summary><c>start --attach</c>: runs a created container to its end, bounded by <paramref name="timeout"/>; its standard output.</summary>
    public async Task<string> StartAttachedAsync(string id, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await CheckedAsync(["start", "--attach", id], timeout, cancellationToken).ConfigureAwait(false)).StandardOutput;

    /// <summary>The image's <c>ENTRYPOINT</c> (empty when it has none), as <c>image inspect</c> gives it on both engines.</summary>
    public async Task<IReadOnlyList<string>> EntrypointAsync(string image, CancellationToken cancellationToken)
    {
        var result = await CheckedAsync(["image", "inspect", "--format", "{{json .Config.Entrypoint}}", image], ShortTimeout, cancellationToken).ConfigureAwait(false);
        using var entrypoint = JsonDocument.Parse(Lines(result.StandardOutput).FirstOrDefault() ?? "null");
        return entrypoint.RootElement.ValueKind == JsonValueKind.Array ? [.. entrypoint.RootElement.EnumerateArray().Select(part => part.GetString() ?? "")] : [];
    }

    /// <summary>The container's state, main pid, health and the host port published for <paramref name="port"/>/tcp.</summary>
    public async Task<ContainerFacts> InspectAsync(string id, int port, CancellationToken cancellationToken)
    {
        var result = await CheckedAsync(["inspect", "--type", "container", id], ShortTimeout, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(result.StandardOutput);
        var container = document.RootElement[0];
        var state = container.GetProperty("State");

        // docker: State.Health; podman 4: State.Health, older podman: State.Healthcheck.
        string? health = null;
        foreach (var name in new[] { "Health", "Healthcheck" })
        {
            if (health is null && state.TryGetProperty(name, out var check) && check.ValueKind == JsonValueKind.Object
                && check.TryGetProperty("Status", out var status) && status.GetString() is { Length: > 0 } text)
            {
                health = text;
            }
        }

        return new ContainerFacts(
            state.GetProperty("Status").GetString() ?? "",
            state.GetProperty("Running").GetBoolean(),
            state.GetProperty("ExitCode").GetInt32(),
            state.GetProperty("OOMKilled").GetBoolean(),
            state.GetProperty("Pid").GetInt32(),
            HostPort(container, port),
            health);
    }

    /// <summary>The last <paramref name="tail"/> lines of standard output and error, as the engine stores them.</summary>
    public async Task<string> LogsAsync(string id, int tail, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["logs", "--tail", tail.ToString(CultureInfo.InvariantCulture), id], ShortTimeout, cancellationToken).ConfigureAwait(false);
        return result.StandardOutput + result.StandardError;
    }

    /// <summary>
    /// The whole log, standard output and error apart, and both in the order they were written: the CLI
    /// prints the container's stdout to its stdout and stderr to its stderr, and <c>--timestamps</c>
    /// (RFC 3339 with nanoseconds, on both engines) lets the two be merged back into one sequence.
    /// </summary>
    public async Task<ContainerLogs> FullLogsAsync(string id, CancellationToken cancellationToken)
    {
        // Unchecked, as LogsAsync: a failure message must not lose its cause to a log the engine cannot read.
        var result = await RunAsync(["logs", "--timestamps", id], ShortTimeout, cancellationToken).ConfigureAwait(false);
        var output = Stamped(result.StandardOutput);
        var error = Stamped(result.StandardError);
        // Stable: a line of stdout and one of stderr with the same stamp keep stdout first.
        var merged = output.Concat(error).OrderBy(line => line.At).Select(line => line.Text);
        return new ContainerLogs(Join(output.Select(line => line.Text)), Join(error.Select(line => line.Text)), Join(merged));

        static string Join(IEnumerable<string> lines) => string.Concat(lines.Select(line => line + "\n"));
    }

    /// <summary><c>2026-11-29T09:52:26.123456789Z text</c> per line; a line without a stamp (a wrapped one) takes the one before.</summary>
    private static List<(DateTimeOffset At, string Text)> Stamped(string text)
    {
        var lines = new List<(DateTimeOffset, string)>();
        var last = DateTimeOffset.MinValue;
        foreach (var line in text.Split('\n'))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var stamp = space > 0 ? line[..space] : line;
            if (DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                last = at;
                lines.Add((at, space > 0 ? line[(space + 1)..] : ""));
            }
            else if (line.Length > 0)
            {
                lines.Add((last, line));
            }
        }

        return lines;
    }

    /// <summary><c>stats --no-stream --format json</c>; empty when the engine has none (a stopped container, rootless cgroup v1).</summary>
    public async Task<string> StatsJsonAsync(string id, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["stats", "--no-stream", "--format", "json", id], ShortTimeout, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result.StandardOutput : "";
    }

    /// <summary>Full ids of all containers, running or not, with the label (<c>key</c> or <c>key=value</c>).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string label, CancellationToken cancellationToken) =>
        Lines((await CheckedAsync(["ps", "--all", "--quiet", "--no-trunc", "--filter", $"label={label}"], ShortTimeout, cancellationToken).ConfigureAwait(false)).StandardOutput);

    /// <summary>The value of the label <paramref name="key"/> on each container (both engines have <c>.Config.Labels</c> as a map).</summary>
    public async Task<IReadOnlyList<(string Id, string Value)>> LabelAsync(IReadOnlyList<string> ids, string key, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        // A container removed meanwhile makes inspect fail for it alone; the others are still printed.
        var result = await RunAsync(["inspect", "--type", "container", "--format", $"{{{{.Id}}}} {{{{index .Config.Labels \"{key}\"}}}}", .. ids], ShortTimeout, cancellationToken).ConfigureAwait(false);
        return [.. Lines(result.StandardOutput).Select(line => line.Split(' ', 2)).Select(parts => (parts[0], parts.Length == 2 ? parts[1] : ""))];
    }

    /// <summary>podman's <c>rm --force --filter label=…</c>, one engine call where docker takes two: the ids it removed.</summary>
    private async Task<IReadOnlyList<string>> RemoveLabelledAsync(string label, CancellationToken cancellationToken) =>
        Lines((await CheckedAsync(["rm", "--force", .. StopAtOnce, "--filter", $"label={label}"], LongTimeout, cancellationToken).ConfigureAwait(false)).StandardOutput);

    /// <summary>
    /// What makes <c>rm --force</c> kill at once (SIGKILL), as docker's does: podman's stops with SIGTERM and waits its stop timeout
    /// (10 s) first, all of it for an app that has not yet set up its SIGTERM handler (PID 1 ignores the signal until then).
    /// </summary>
    private string[] StopAtOnce => Command == "podman" ? ["--time", "0"] : [];

    /// <summary><c>rm --force</c>: kills (SIGKILL, <see cref="StopAtOnce"/>) and removes; ids already gone are fine.</summary>
    public async Task RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var result = await RunAsync(["rm", "--force", .. StopAtOnce, .. ids], LongTimeout, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return;
        }

        // docker exits 1 for an id that is already gone ("No such container"); podman does not. Gone is what was asked.
        // docker also refuses one whose removal another client started ("removal of container … is already in
        // progress", e.g. a test host's exit cleanup): the daemon finishes it, so wait until it is gone.
        var errors = Lines(result.StandardError);
        var inProgress = errors.Where(line => line.Contains("already in progress", StringComparison.OrdinalIgnoreCase)).ToList();
        if (!errors.All(line => line.Contains("no such container", StringComparison.OrdinalIgnoreCase) || inProgress.Contains(line)))
        {
            throw Failure($"'{Command} rm' failed: {ErrorLine(result)}");
        }

        // The others are gone already, so waiting for all of them waits for those.
        var pending = inProgress.Count > 0 ? ids.ToList() : [];
        var waited = Stopwatch.StartNew();
        while (pending.Count > 0)
        {
            var left = await RunAsync(["ps", "--all", "--quiet", "--no-trunc", .. pending.SelectMany(id => new[] { "--filter", $"id={id}" })], ShortTimeout, cancellationToken).ConfigureAwait(false);
            if (left.Succeeded && Lines(left.StandardOutput).Count == 0)
            {
                return;
            }

            if (waited.Elapsed > LongTimeout)
            {
                throw Failure($"'{Command} rm': the removal of {string.Join(", ", pending)} did not end within {LongTimeout.TotalMinutes:0} minutes");
            }

            await Task.Delay(RemovalPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>kill</c> (SIGKILL): the containers stop at once and stay, for a removal later (<see cref="RemoveRunAsync"/>), which
    /// then finds the engine's cleanup of them (podman's network teardown: about 0.3 s each here) done or under way.
    /// One that is not running or already gone is removed instead (<see cref="RemoveAsync"/>).
    /// </summary>
    public async Task KillAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count > 0 && !(await RunAsync(["kill", .. ids], ShortTimeout, cancellationToken).ConfigureAwait(false)).Succeeded)
        {
            await RemoveAsync(ids, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes every container of the run <paramref name="runId"/> (<see cref="RunLabels.Run"/>), then its
    /// networks (a test's backing services); returns how many containers and networks there were.
    /// </summary>
    public async Task<int> RemoveRunAsync(string runId, CancellationToken cancellationToken)
    {
        var label = $"{RunLabels.Run}={runId}";
        // Listed together (the run has ended: nothing of it comes later), removed containers first: they hold the networks.
        var listingNetworks = ListNetworksAsync(label, cancellationToken);
        var removed = Command == "podman" ? await RemoveLabelledAsync(label, cancellationToken).ConfigureAwait(false) : null;
        var ids = removed ?? await ListAsync(label, cancellationToken).ConfigureAwait(false);
        var networks = await listingNetworks.ConfigureAwait(false);
        if (removed is null)
        {
            await RemoveAsync([.. ids], cancellationToken).ConfigureAwait(false);
        }

        await RemoveNetworksAsync(networks, cancellationToken).ConfigureAwait(false);
        return ids.Count + networks.Count;
    }

    /// <summary>
    /// Removes the containers, then the networks, of runs that are provably over (<see cref="IsOver"/>): their
    /// test host ran on this machine, in this PID namespace, and is gone (killed or crashed, it could not clean
    /// up); or their lease has expired. A live run of another build on the same engine (another PID namespace,
    /// another machine) is never touched, nor the run <paramref name="except"/> (one whose own removal runs beside
    /// this: its test host has ended too). Returns how many were removed.
    /// </summary>
    public async Task<int> RemoveDeadRunsAsync(CancellationToken cancellationToken, string? except = null)
    {
        var now = DateTimeOffset.UtcNow;
        var labelled = await ListAsync(RunLabels.Pid, cancellationToken).ConfigureAwait(false);
        var dead = labelled.Count == 0 ? [] : Records((await RunAsync(
                ["inspect", "--type", "container", "--format", $"{{{{.Id}}}}\t{{{{.Created}}}}\t{{{{index .Config.Labels \"{RunLabels.Owner}\"}}}}\t{{{{index .Config.Labels \"{RunLabels.Lease}\"}}}}\t{{{{index .Config.Labels \"{RunLabels.Run}\"}}}}", .. labelled],
                ShortTimeout, cancellationToken).ConfigureAwait(false)).StandardOutput)
            .Where(fields => fields.Length == 5 && fields[4] != except && IsOver(fields[2], fields[3], fields[1], now))
            .Select(fields => fields[0])
            .ToList();
        await RemoveAsync(dead, cancellationToken).ConfigureAwait(false);

        // Then the networks of those runs, now that no container of theirs holds them.
        var networks = await ListNetworksAsync(RunLabels.Pid, cancellationToken).ConfigureAwait(false);
        var deadNetworks = networks.Count == 0
            ? []
            : Records((await RunAsync(
                    ["network", "inspect", "--format", $"{{{{.Name}}}}\t{{{{.Created}}}}\t{{{{index .Labels \"{RunLabels.Owner}\"}}}}\t{{{{index .Labels \"{RunLabels.Lease}\"}}}}\t{{{{index .Labels \"{RunLabels.Run}\"}}}}", .. networks],
                    ShortTimeout, cancellationToken).ConfigureAwait(false)).StandardOutput)
                .Where(fields => fields.Length == 5 && fields[4] != except && IsOver(fields[2], fields[3], fields[1], now))
                .Select(fields => fields[0])
                .ToList();
        await RemoveNetworksAsync(deadNetworks, cancellationToken).ConfigureAwait(false);
        return dead.Count + deadNetworks.Count;
    }

    /// <summary>
    /// Whether a run whose labels say <paramref name="owner"/> (<see cref="RunOwner"/>) and <paramref name="lease"/>,
    /// created at <paramref name="created"/> (the engine's word: RFC 3339, or Go's <c>2006-01-02 15:04:05 -0700 MST</c>
    /// from podman), is provably over at <paramref name="now"/>: an owner judgeable here that is gone, or, for any
    /// other (another machine or PID namespace, no owner label), a lease (default <see cref="RunOwner.Lease"/>) long past.
    /// </summary>
    internal static bool IsOver(string owner, string lease, string created, DateTimeOffset now)
    {
        if (RunOwner.Parse(owner) is { IsJudgeableHere: true } judged)
        {
            return judged.IsProvablyGone;
        }

        var term = Drydock.Values.Durations.Parse(lease == "<no value>" ? null : lease) is { } given && given > TimeSpan.Zero ? given : RunOwner.Lease;
        return EngineTime(created) is { } at && now - at > term;
    }

    /// <summary>Lines of tab-separated fields; an empty last field (a missing label prints nothing, except docker's "&lt;no value&gt;" on containers) is kept.</summary>
    private static IEnumerable<string[]> Records(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t').Select(field => field.Trim()).ToArray());

    /// <summary>docker: <c>2026-12-04T21:30:00.123456789Z</c>; podman's template: <c>2026-12-04 21:30:00.123456789 +0000 UTC</c>.</summary>
    private static DateTimeOffset? EngineTime(string text)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text.Trim(), @"^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?");
        if (!match.Success)
        {
            return null;
        }

        var fraction = match.Groups[3].Value.Length > 8 ? match.Groups[3].Value[..8] : match.Groups[3].Value;
        var zone = match.Groups[4].Value is { Length: 5 } offset ? offset.Insert(3, ":") : match.Groups[4].Value is { Length: > 0 } given ? given : "Z";
        return DateTimeOffset.TryParse($"{match.Groups[1].Value}T{match.Groups[2].Value}{fraction}{zone}", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
    }

    /// <summary>Names of the networks with the label (<c>key</c> or <c>key=value</c>); the engine's own networks carry none of ours.</summary>
    public async Task<IReadOnlyList<string>> ListNetworksAsync(string label, CancellationToken cancellationToken) =>
        Lines((await CheckedAsync(["network", "ls", "--filter", $"label={label}", "--format", "{{.Name}}"], ShortTimeout, cancellationToken).ConfigureAwait(false)).StandardOutput);

    /// <summary>
    /// <c>network rm</c>: removes networks no container uses any more (remove those first); names already
    /// gone are fine. Neither engine's <c>--force</c> fits: podman's removes the containers, docker's only ignores missing names.
    /// </summary>
    public async Task RemoveNetworksAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return;
        }

        var result = await RunAsync(["network", "rm", .. names], ShortTimeout, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return;
        }

        // Both exit 1 for a name that is already gone, each with its own words: gone is what was asked.
        var existing = await RunAsync(["network", "ls", "--format", "{{.Name}}"], ShortTimeout, cancellationToken).ConfigureAwait(false);
        if (!existing.Succeeded || Lines(existing.StandardOutput).Intersect(names, StringComparer.Ordinal).Any())
        {
            throw Failure($"'{Command} network rm' failed: {ErrorLine(result)}");
        }
    }

    /// <summary><c>docker</c>, or for an engine elsewhere <c>docker at tcp://…</c>, as the log names it.</summary>
    public override string ToString() => Endpoint.IsRemote ? $"{Command} at {Endpoint.Uri}" : Command;

    private async Task<ProcessResult> CheckedAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await RunAsync(arguments, timeout, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result : throw Failure($"'{Command} {arguments[0]}' failed (exit code {result.ExitCode}): {ErrorLine(result)}");
    }

    private async Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await ProcessRunner.RunAsync(Command, arguments, timeout, cancellationToken, environment: _connection).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or TimeoutException)
        {
            throw Failure(e.Message);
        }
    }

    private ContainerEngineException Failure(string message) =>
        new(FailureCode is null ? message : $"{FailureCode}: {message}");

    /// <summary>The engine's error line: podman prints progress first ("Trying to pull …"), then "Error: …".</summary>
    private static string ErrorLine(ProcessResult result)
    {
        var lines = Lines(result.StandardError);
        return lines.FirstOrDefault(line => line.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? lines.LastOrDefault() ?? "";
    }

    private static string Hex(string id) => id.Trim().Replace("sha256:", "", StringComparison.Ordinal);

    private static List<string> Lines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static int? HostPort(JsonElement container, int port)
    {
        if (container.TryGetProperty("NetworkSettings", out var network)
            && network.TryGetProperty("Ports", out var ports)
            && ports.ValueKind == JsonValueKind.Object
            && ports.TryGetProperty($"{port.ToString(CultureInfo.InvariantCulture)}/tcp", out var bindings)
            && bindings.ValueKind == JsonValueKind.Array)
        {
            foreach (var binding in bindings.EnumerateArray())
            {
                if (int.TryParse(binding.GetProperty("HostPort").GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var hostPort) && hostPort > 0)
                {
                    return hostPort;
                }
            }
        }

        return null;
    }
}
