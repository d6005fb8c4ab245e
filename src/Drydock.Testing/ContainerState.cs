namespace Drydock.Testing;

/// <summary>What happened to a container: still running, or how it ended.</summary>
/// <param name="Status">The runtime's word for it: <c>running</c>, <c>exited</c>, …</param>
/// <param name="Running">The main process still runs.</param>
/// <param name="ExitCode">The main process's exit code once it has exited (137 = killed).</param>
/// <param name="OomKilled">The kernel's OOM killer killed a process in the container (the runtime's
/// <c>OOMKilled</c>, or the memory cgroup's own <c>oom_kill</c> counter where the runtime misses it).</param>
public sealed record ContainerState(string Status, bool Running, int ExitCode, bool OomKilled)
{
    public override string ToString() => Running ? Status : $"{Status}, exit code {ExitCode}, OOMKilled: {(OomKilled ? "true" : "false")}";
}
