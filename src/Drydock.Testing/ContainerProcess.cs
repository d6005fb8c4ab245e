using System.Globalization;
using System.Net;

namespace Drydock.Testing;

/// <summary>A TCP socket in the LISTEN state, as <c>/proc/net/tcp</c> shows it.</summary>
internal sealed record ListeningSocket(IPAddress Address, int Port)
{
    /// <summary>Bound to loopback only: reachable from inside the container, never through a published port.</summary>
    public bool LoopbackOnly => IPAddress.IsLoopback(Address);

    public override string ToString() => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Address}:{Port.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The container's main process as the host sees it in <c>/proc</c>, on a local Linux engine (Docker
/// Engine, rootful or rootless podman). Its <c>net/tcp</c> and <c>net/tcp6</c> list the sockets of the
/// container's network namespace: what the app itself listens on, which a port forwarder in front of
/// it (docker-proxy, rootlessport) cannot fake. Docker Desktop and remote engines run containers in
/// another kernel: there is no such process here, and readiness falls back to an HTTP answer.
/// </summary>
internal sealed class ContainerProcess
{
    private const string Listen = "0A";
    private readonly string _proc;

    private ContainerProcess(string proc) => _proc = proc;

    /// <summary>
    /// The process <paramref name="pid"/> when it is visible here and belongs to the container
    /// <paramref name="containerId"/> (its cgroup path names the container, or it is the init of a
    /// nested pid namespace), else null.
    /// </summary>
    public static ContainerProcess? TryFind(int pid, string containerId)
    {
        if (pid <= 0 || !OperatingSystem.IsLinux() || containerId.Length < 12)
        {
            return null;
        }

        var proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            // docker: /docker/<id>; podman: /libpod_parent/libpod-<id>, machine.slice/libpod-<id>.scope.
            if (File.ReadAllText(Path.Join(proc, "cgroup")).Contains(containerId, StringComparison.Ordinal))
            {
                return new ContainerProcess(proc);
            }

            // Rootless podman on cgroup v1 has no cgroup of its own. Readable by anyone: the process is the
            // init (pid 1) of a pid namespace below ours, as a container's main process is; a pid the engine
            // reported from another kernel (Docker Desktop's VM) is, at most by chance, not that.
            var nspid = File.ReadLines(Path.Join(proc, "status")).FirstOrDefault(line => line.StartsWith("NSpid:", StringComparison.Ordinal))?
                .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return nspid is { Length: >= 3 } && nspid[^1] == "1" ? new ContainerProcess(proc) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The process still runs: its <c>/proc/&lt;pid&gt;/stat</c> (proc(5)) is there and its state, the field after the
    /// command's closing parenthesis, is not zombie (<c>Z</c>) or dead (<c>X</c>).
    /// </summary>
    public bool IsRunning
    {
        get
        {
            try
            {
                var stat = File.ReadAllText(Path.Join(_proc, "stat"));
                var end = stat.LastIndexOf(')');
                return end > 0 && end + 2 < stat.Length && stat[end + 2] is not ('Z' or 'X');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }

    /// <summary>The listening TCP sockets of the container's network namespace; empty once the process is gone.</summary>
    public IReadOnlyList<ListeningSocket> ListeningSockets()
    {
        var sockets = new List<ListeningSocket>();
        foreach (var file in new[] { "net/tcp", "net/tcp6" })
        {
            try
            {
                sockets.AddRange(Parse(File.ReadLines(Path.Join(_proc, file))));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended, or the kernel has no IPv6.
            }
        }

        return sockets;
    }

    /// <summary>
    /// Lines of <c>/proc/net/tcp{,6}</c> (proc(5)): <c>sl local_address rem_address st …</c>, the local
    /// address as hex, each 32-bit word in host byte order, then <c>:PORT</c> in hex; <c>st</c> 0A is LISTEN.
    /// </summary>
    internal static IEnumerable<ListeningSocket> Parse(IEnumerable<string> lines)
    {
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != Listen || fields[1].Split(':') is not [var hex, var port])
            {
                continue;
            }

            var address = new byte[hex.Length / 2];
            for (var word = 0; word < address.Length / 4; word++)
            {
                var value = uint.Parse(hex.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                // The kernel printed the network-order word as a native integer: writing it back natively restores the bytes.
                BitConverter.TryWriteBytes(address.AsSpan(word * 4, 4), value);
            }

            yield return new ListeningSocket(new IPAddress(address), int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
    }
}
