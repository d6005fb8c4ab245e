using Drydock.Build.Diagnostics;
using Drydock.Processes;

namespace Drydock.Build.Runtime;

/// <summary>
/// The local container runtime an image is loaded into: podman, or a docker CLI with a reachable engine.
/// Both speak the same commands for what Drydock needs (load, tag, image inspect).
/// </summary>
public sealed class ContainerRuntime
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromMinutes(5);

    private ContainerRuntime(string command) => Command = command;

    /// <summary>The CLI: <c>podman</c> or <c>docker</c>.</summary>
    public string Command { get; }

    /// <summary>
    /// The runtime to use. <paramref name="localRegistry"/> is the SDK's <c>LocalRegistry</c> property
    /// (<c>Docker</c> or <c>Podman</c>): when set it wins and must work. Otherwise docker is tried first,
    /// as the SDK does, then podman; null when neither is usable.
    /// </summary>
    public static ContainerRuntime? Detect(string? localRegistry, IBuildLog log, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(localRegistry))
        {
            var command = localRegistry.ToLowerInvariant();
            if (command is not ("docker" or "podman"))
            {
                throw new DrydockException(KnownCodes.NoRuntime,
                    $"LocalRegistry is '{localRegistry}'; set it to 'Podman' or 'Docker', or leave it empty to detect one.");
            }

            if (!Works(command, cancellationToken))
            {
                throw new DrydockException(KnownCodes.NoRuntime,
                    $"LocalRegistry is '{localRegistry}' but '{command} version' does not reach a running {command}; install or start it, or set DrydockLoadImage=false.");
            }

            log.Detail($"Drydock: runtime={command} (from LocalRegistry)");
            return new ContainerRuntime(command);
        }

        foreach (var command in new[] { "docker", "podman" })
        {
            if (Works(command, cancellationToken))
            {
                log.Detail($"Drydock: runtime={command} (detected)");
                return new ContainerRuntime(command);
            }
        }

        log.Detail("Drydock: runtime=none (neither docker nor podman answers)");
        return null;
    }

    /// <summary>
    /// Loads an OCI archive and names it with every <paramref name="names"/> (<c>repository:tag</c>).
    /// Skips the load when every name already points at <paramref name="imageId"/> (the config digest).
    /// </summary>
    /// <returns>True when the image was loaded, false when it was already there.</returns>
    public bool Load(string archive, string imageId, IReadOnlyList<string> names, IBuildLog log, CancellationToken cancellationToken)
    {
        if (names.Count > 0 && AllNamesPointAt(imageId, names, cancellationToken))
        {
            log.Detail($"Drydock: {Command} already has {string.Join(", ", names)} = {imageId}; not loading again");
            return false;
        }

        var load = Run(["load", "--input", archive], LoadTimeout, cancellationToken);
        if (!load.Succeeded)
        {
            throw new DrydockException(KnownCodes.RuntimeLoadFailed,
                $"'{Command} load' of {archive} failed: {load.FirstErrorLine}. Check that {Command} works ('{Command} info'), or set DrydockLoadImage=false.");
        }

        var id = imageId.Replace("sha256:", "", StringComparison.Ordinal);
        foreach (var name in names)
        {
            var tag = Run(["tag", id, name], ProbeTimeout, cancellationToken);
            if (!tag.Succeeded)
            {
                throw new DrydockException(KnownCodes.RuntimeLoadFailed,
                    $"'{Command} tag {id} {name}' failed after loading {archive}: {tag.FirstErrorLine}.");
            }
        }

        log.Detail($"Drydock: loaded {imageId} into {Command} as {string.Join(", ", names)}");
        return true;
    }

    /// <summary>Removes every container, running or not, that carries <c>label=value</c>.</summary>
    /// <returns>How many were removed.</returns>
    public int RemoveContainers(string label, string value, CancellationToken cancellationToken) =>
        Remove(ContainerIds($"label={label}={value}", cancellationToken), cancellationToken);

    /// <summary>
    /// Removes the containers of test hosts that are gone (killed, crashed) without cleaning up: those
    /// whose <c>io.drydock.pid</c> label names a process that no longer runs.
    /// </summary>
    public int RemoveContainersOfDeadProcesses(string pidLabel, CancellationToken cancellationToken)
    {
        var list = Run(["ps", "--all", "--filter", $"label={pidLabel}", "--format", $"{{{{.ID}}}} {{{{index .Labels \"{pidLabel}\"}}}}"], ProbeTimeout, cancellationToken);
        var dead = list.StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2))
            .Where(parts => parts.Length == 2 && int.TryParse(parts[1], out var pid) && !Directory.Exists($"/proc/{pid}"))
            .Select(parts => parts[0])
            .ToArray();
        return Remove(dead, cancellationToken);
    }

    private string[] ContainerIds(string filter, CancellationToken cancellationToken) =>
        Run(["ps", "--all", "--quiet", "--filter", filter], ProbeTimeout, cancellationToken).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private int Remove(string[] ids, CancellationToken cancellationToken)
    {
        if (ids.Length > 0)
        {
            Run(["rm", "--force", .. ids], ProbeTimeout, cancellationToken);
        }

        return ids.Length;
    }

    private bool AllNamesPointAt(string imageId, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var inspect = Run(["image", "inspect", "--format", "{{.Id}}", .. names], ProbeTimeout, cancellationToken);
        if (!inspect.Succeeded)
        {
            return false;
        }

        var id = imageId.Replace("sha256:", "", StringComparison.Ordinal);
        var ids = inspect.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return ids.Length == names.Count && ids.All(found => found.Replace("sha256:", "", StringComparison.Ordinal) == id);
    }

    private ProcessResult Run(IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        ProcessRunner.Run(Command, arguments, timeout, cancellationToken);

    private static bool Works(string command, CancellationToken cancellationToken)
    {
        try
        {
            // 'version' talks to the engine: a docker client without a daemon fails here.
            return ProcessRunner.Run(command, ["version"], ProbeTimeout, cancellationToken).Succeeded;
        }
        catch (Exception e) when (e is FileNotFoundException or TimeoutException)
        {
            return false;
        }
    }
}
