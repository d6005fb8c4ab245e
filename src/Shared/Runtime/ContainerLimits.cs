using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using Drydock.Values;

namespace Drydock.Runtime;

/// <summary>
/// What an image test's container is started with besides the test's own network and environment: the
/// profile's CPU, memory, pids and read-only root, and the published port (linked source: Drydock.Testing
/// starts every test's container with <see cref="Arguments"/>, and a publish starts the warm containers it
/// hands its test host with the same, so a test takes one only when it would have started exactly that).
/// </summary>
/// <param name="Cpus">Cores (<c>--cpus</c>).</param>
/// <param name="MemoryBytes">Memory and memory+swap limit in bytes: no swap.</param>
/// <param name="PidsLimit">Null: the engine's default.</param>
/// <param name="ReadOnly">Read-only root file system.</param>
/// <param name="Tmpfs">With <paramref name="ReadOnly"/>: a writable tmpfs at <c>/tmp</c>.</param>
/// <param name="Port">The container port published on an ephemeral host port; null publishes none.</param>
internal sealed record ContainerLimits(double Cpus, long MemoryBytes, int? PidsLimit, bool ReadOnly, bool Tmpfs, int? Port)
{
    public const double DefaultCpus = 1;
    public const string DefaultMemory = "256m";
    public const bool DefaultReadOnly = true;
    public const bool DefaultTmpfs = true;
    public const int DefaultPort = 8080;

    /// <summary>
    /// The limits the profile's <c>DRYDOCK_TEST_*</c> variables give (<paramref name="variable"/> returns a value or
    /// null), with the defaults Drydock.Testing's <c>TestProfile</c> has; null when a value is malformed (Drydock.Testing
    /// says which).
    /// </summary>
    public static ContainerLimits? FromVariables(Func<string, string?> variable)
    {
        string? Get(string name) => variable(name) is { } value && value.Trim().Length > 0 ? value.Trim() : null;
        var cpus = Get(DrydockVariables.Cpus) is { } c ? ProfileValues.Cpus(c) : DefaultCpus;
        var memory = Sizes.Parse(Get(DrydockVariables.Memory) ?? DefaultMemory);
        var pids = Get(DrydockVariables.PidsLimit) is { } p ? ProfileValues.PidsLimit(p) : null;
        var readOnly = Get(DrydockVariables.ReadOnly) is { } r ? ProfileValues.Flag(r) : DefaultReadOnly;
        var tmpfs = Get(DrydockVariables.Tmpfs) is { } t ? ProfileValues.Flag(t) : DefaultTmpfs;
        int? port = Get(DrydockVariables.Port) switch
        {
            null => DefaultPort,
            var text when text.Equals("none", StringComparison.OrdinalIgnoreCase) => null,
            var text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1,
        };
        if (cpus is null || memory is null || readOnly is null || tmpfs is null || port < 0
            || (Get(DrydockVariables.PidsLimit) is not null && pids is null))
        {
            return null;
        }

        return new ContainerLimits(cpus.Value, memory.Value, pids, readOnly.Value, tmpfs.Value, port);
    }

    /// <summary>
    /// The <c>run</c> arguments: <c>--cpus</c>, <c>--memory</c> and <c>--memory-swap</c> (bytes), <c>--stop-timeout 2</c>,
    /// <c>--platform</c>, <c>--publish</c> (on loopback when <paramref name="publishOnLoopback"/>), <c>--pids-limit</c>,
    /// <c>--read-only</c> with its tmpfs. Labels, network and environment are the caller's.
    /// </summary>
    /// <param name="engine"><c>docker</c> or <c>podman</c>.</param>
    /// <param name="platform"><c>os/arch[/variant]</c>, or null for the image as it is.</param>
    /// <param name="publish">Whether to publish <see cref="Port"/> (a run to exit publishes none).</param>
    /// <param name="publishOnLoopback">The tests reach the engine's ports on this machine's loopback.</param>
    public List<string> Arguments(string engine, string? platform, bool publish, bool publishOnLoopback)
    {
        var memory = MemoryBytes.ToString(CultureInfo.InvariantCulture);
        List<string> arguments =
        [
            "--cpus", Cpus.ToString(CultureInfo.InvariantCulture),
            // In bytes, so no engine reads a unit its own way. Swap equal to memory: no swap, so the limit is real.
            "--memory", memory,
            "--memory-swap", memory,
            // Removal stops with SIGTERM first; an app that ignores it is killed after 2 s, not the default 10 s.
            "--stop-timeout", "2",
        ];
        if (platform is not null)
        {
            // Both engines start another platform's image under emulation anyway, with a warning; named, they do it quietly.
            arguments.AddRange(["--platform", platform]);
        }

        if (publish && Port is { } port)
        {
            // Ephemeral host port, on loopback only where the tests reach it there: tests run in parallel and nothing
            // else should reach them. On a remote engine (or behind an override) on all its interfaces: its loopback is not ours.
            var containerPort = port.ToString(CultureInfo.InvariantCulture);
            arguments.AddRange(["--publish", publishOnLoopback ? $"127.0.0.1::{containerPort}" : containerPort]);
        }

        if (PidsLimit is { } pids)
        {
            arguments.AddRange(["--pids-limit", pids.ToString(CultureInfo.InvariantCulture)]);
        }

        if (ReadOnly)
        {
            arguments.Add("--read-only");
            arguments.AddRange(Tmpfs ? ["--tmpfs", "/tmp"]
                // podman mounts tmpfs on /tmp, /var/tmp, /run, /dev, /dev/shm for --read-only unless told not to; docker mounts none.
                : engine == "podman" ? ["--read-only-tmpfs=false"] : []);
        }

        return arguments;
    }

    /// <summary>
    /// What a started container is, for matching a warm one to a test's start: the engine, the image and every
    /// <c>run</c> argument but the labels, hashed (16 hex digits).
    /// </summary>
    public static string StartKey(string engine, string image, IEnumerable<string> arguments) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', [engine, image, .. arguments]))))[..16];
}
