using System.Globalization;
using System.Text.Json;

using Drydock.Processes;

namespace Drydock.Testing;

/// <summary>What the runtime says about a container (<c>inspect</c>).</summary>
internal sealed record ContainerFacts(string Status, bool Running, int ExitCode, bool OomKilled, int Pid, int? HostPort);

/// <summary>
/// The few podman/docker commands the library needs; both CLIs accept the same arguments for them.
/// </summary>
internal sealed class RuntimeCli(string command)
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);
    private static readonly Lazy<string?> Detected = new(Detect);

    public string Command { get; } = command;

    /// <summary>The runtime named in the options, or the detected one: podman if it works, else docker.</summary>
    public static RuntimeCli Resolve(string? runtime) => runtime is { Length: > 0 }
        ? new RuntimeCli(runtime.ToLowerInvariant() is "podman" or "docker"
            ? runtime.ToLowerInvariant()
            : throw Settings.Invalid("Runtime", runtime, Settings.RuntimeHint))
        : new RuntimeCli(Detected.Value ?? throw new InvalidOperationException(
            $"{Codes.RuntimeFailed}: neither 'podman version' nor 'docker version' works; install or start one, or set DRYDOCK_RUNTIME."));

    /// <summary><c>run -d</c>; returns the container id.</summary>
    public async Task<string> RunAsync(IReadOnlyList<string> arguments, string image, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(Command, ["run", "-d", .. arguments, image], RunTimeout, cancellationToken).ConfigureAwait(false);
        var id = result.StandardOutput.Trim().Split('\n').LastOrDefault()?.Trim();
        return result.Succeeded && !string.IsNullOrEmpty(id)
            ? id
            : throw new InvalidOperationException(
                $"{Codes.RuntimeFailed}: '{Command} run' could not start image '{image}' (exit code {result.ExitCode}): {result.StandardError.Trim()}");
    }

    public async Task<ContainerFacts> InspectAsync(string id, int port, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(Command, ["inspect", "--type", "container", id], ShortTimeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{Codes.RuntimeFailed}: '{Command} inspect {id}' failed: {result.StandardError.Trim()}");
        }

        using var document = JsonDocument.Parse(result.StandardOutput);
        var container = document.RootElement[0];
        var state = container.GetProperty("State");
        return new ContainerFacts(
            state.GetProperty("Status").GetString() ?? "",
            state.GetProperty("Running").GetBoolean(),
            state.GetProperty("ExitCode").GetInt32(),
            state.GetProperty("OOMKilled").GetBoolean(),
            state.GetProperty("Pid").GetInt32(),
            HostPort(container, port));
    }

    /// <summary>Standard output and error of the container, interleaved as the runtime stores them.</summary>
    public async Task<string> LogsAsync(string id, int tail, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(Command, ["logs", "--tail", tail.ToString(CultureInfo.InvariantCulture), id], ShortTimeout, cancellationToken).ConfigureAwait(false);
        return result.StandardOutput + result.StandardError;
    }

    public async Task<string> StatsJsonAsync(string id, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(Command, ["stats", "--no-stream", "--format", "json", id], ShortTimeout, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result.StandardOutput : "";
    }

    /// <summary>Ids of all containers, running or not, that carry the label (<c>key</c> or <c>key=value</c>).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string label, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(Command, ["ps", "-a", "-q", "--no-trunc", "--filter", $"label={label}"], ShortTimeout, cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : throw new InvalidOperationException($"{Codes.RuntimeFailed}: '{Command} ps' failed: {result.StandardError.Trim()}");
    }

    /// <summary>The value of one label on each container (docker and podman both have <c>.Config.Labels</c> as a map).</summary>
    public async Task<IReadOnlyList<(string Id, string Value)>> LabelAsync(IReadOnlyList<string> ids, string key, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var result = await ProcessRunner.RunAsync(Command, ["inspect", "--type", "container", "--format", $"{{{{.Id}}}} {{{{index .Config.Labels \"{key}\"}}}}", .. ids], ShortTimeout, cancellationToken).ConfigureAwait(false);
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2))
            .Select(parts => (parts[0], parts.Length == 2 ? parts[1] : ""))];
    }

    /// <summary>Stops (SIGTERM, then SIGKILL after the container's stop timeout) and removes; missing ones are fine.</summary>
    public Task<ProcessResult> RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(Command, ["rm", "-f", .. ids], RunTimeout, cancellationToken);

    private static int? HostPort(JsonElement container, int port)
    {
        if (container.TryGetProperty("NetworkSettings", out var network)
            && network.TryGetProperty("Ports", out var ports)
            && ports.ValueKind == JsonValueKind.Object
            && ports.TryGetProperty($"{port}/tcp", out var bindings)
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

    private static string? Detect()
    {
        foreach (var command in new[] { "podman", "docker" })
        {
            try
            {
                if (ProcessRunner.Run(command, ["version"], ShortTimeout, CancellationToken.None).Succeeded)
                {
                    return command;
                }
            }
            catch (Exception e) when (e is FileNotFoundException or TimeoutException)
            {
                // Not installed or not answering: try the next one.
            }
        }

        return null;
    }
}
