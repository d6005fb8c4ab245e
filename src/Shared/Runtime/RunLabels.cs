using System.Diagnostics;
using System.Globalization;

namespace Drydock.Runtime;

/// <summary>
/// The labels on every container and network an image test starts (linked source: Drydock.Build removes by
/// them, Drydock.Testing writes them). They let a publish remove what its tests left, also after a crash,
/// and never what another build still uses: one engine may serve builds in other PID namespaces (jobs in
/// containers that mount the host's socket) or on other machines (a shared dind, a build host).
/// </summary>
internal static class RunLabels
{
    /// <summary>The run id: one per publish (<see cref="DrydockVariables.RunId"/>), or one per test host outside a publish.</summary>
    public const string Run = "io.drydock.run";

    /// <summary>The test host's process id, as its own PID namespace numbers it (informational; <see cref="Owner"/> decides).</summary>
    public const string Pid = "io.drydock.pid";

    /// <summary>Who owns it, in a form that holds across machines and PID namespaces: <see cref="RunOwner"/>.</summary>
    public const string Owner = "io.drydock.owner";

    /// <summary>
    /// How long after its creation anyone may remove it whose owner this machine cannot judge (another machine,
    /// another PID namespace): <see cref="RunOwner.Lease"/>, as a Go-style duration (<c>6h</c>).
    /// </summary>
    public const string Lease = "io.drydock.lease";

    /// <summary>The <c>--label</c> arguments of a container this process starts for the run <paramref name="runId"/>.</summary>
    public static List<string> Arguments(string runId) =>
    [
        "--label", $"{Run}={runId}",
        "--label", $"{Pid}={Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}",
        "--label", $"{Owner}={RunOwner.Current}",
        "--label", $"{Lease}={RunOwner.LeaseText}",
    ];
}

/// <summary>
/// The test host that owns a run's containers: the kernel it runs on (Linux's boot id, new at every boot;
/// the machine name elsewhere), its PID namespace (the inode of <c>/proc/self/ns/pid</c>), its pid there, and
/// the process's start time (clock ticks since boot, <c>/proc/&lt;pid&gt;/stat</c> field 22), so a reused pid
/// is not taken for the owner. Written <c>boot/pidns/pid/start</c>.
/// </summary>
internal sealed record RunOwner(string Host, string PidNamespace, int Pid, string Start)
{
    /// <summary>
    /// The age past which a run's containers and networks are anyone's to remove when their owner cannot be
    /// judged from here: longer than any CI job runs (GitHub Actions' and GitLab's longest job limits are 6 h and
    /// below a day). Not renewed: labels cannot change after creation; a test host outliving it is not expected.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromHours(24);

    /// <summary>The lease as the label writes it (<c>24h</c>).</summary>
    public static readonly string LeaseText = $"{Lease.TotalHours.ToString(CultureInfo.InvariantCulture)}h";

    /// <summary>This process.</summary>
    public static RunOwner Current { get; } = Of(Environment.ProcessId)
        ?? new RunOwner(HostId(), PidNamespaceOf("self"), Environment.ProcessId, StartOf(Environment.ProcessId) ?? "0");

    public override string ToString() => $"{Host}/{PidNamespace}/{Pid.ToString(CultureInfo.InvariantCulture)}/{Start}";

    /// <summary>The form <see cref="ToString"/> writes; null for anything else (a label someone else wrote).</summary>
    public static RunOwner? Parse(string? text) =>
        text?.Split('/') is [{ Length: > 0 } host, { Length: > 0 } ns, var pid, { Length: > 0 } start]
        && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? new RunOwner(host, ns, id, start)
            : null;

    /// <summary>The process <paramref name="pid"/> of this machine and PID namespace, or null when there is none.</summary>
    public static RunOwner? Of(int pid) =>
        StartOf(pid) is { } start ? new RunOwner(HostId(), PidNamespaceOf("self"), pid, start) : null;

    /// <summary>
    /// Whether this process can tell if the owner lives: same kernel (boot id) and same PID namespace. Only then
    /// does its pid mean the same process here.
    /// </summary>
    public bool IsJudgeableHere => Host == Current.Host && PidNamespace == Current.PidNamespace;

    /// <summary>Judgeable here, and no process with that pid and start time runs: the owner is gone.</summary>
    public bool IsProvablyGone => IsJudgeableHere && StartOf(Pid) != Start;

    private static string HostId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Environment.MachineName.Replace('/', '_');
        }
    }

    private static string PidNamespaceOf(string process)
    {
        try
        {
            // "pid:[4026531836]"
            var target = new FileInfo($"/proc/{process}/ns/pid").LinkTarget;
            return target is null ? "-" : target.Replace("pid:[", "", StringComparison.Ordinal).TrimEnd(']');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "-";
        }
    }

    /// <summary>The start time of <paramref name="pid"/>: <c>/proc/&lt;pid&gt;/stat</c> field 22 on Linux, else the process's start time in ticks; null when none runs.</summary>
    private static string? StartOf(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
                var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return fields.Length > 19 ? fields[19] : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
