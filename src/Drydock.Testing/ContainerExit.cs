namespace Drydock.Testing;

/// <summary>How a container run to completion (<see cref="ImageUnderTest.RunToExitAsync"/>) ended. It has been removed.</summary>
/// <param name="ContainerId">The full container id.</param>
/// <param name="ExitCode">The main process's exit code (137: killed by SIGKILL, e.g. the OOM killer).</param>
/// <param name="StandardOutput">Everything it wrote to stdout, each line ending with <c>\n</c>.</param>
/// <param name="StandardError">Everything it wrote to stderr, each line ending with <c>\n</c>.</param>
/// <param name="Output">Both streams, merged in the order written (by the engine's timestamps).</param>
/// <param name="OomKilled">The kernel's OOM killer killed a process in it.</param>
/// <param name="Duration">From the engine's start of the container to its exit, as the test host saw them (to about 0.1 s).</param>
public sealed record ContainerExit(string ContainerId, int ExitCode, string StandardOutput, string StandardError, string Output, bool OomKilled, TimeSpan Duration);
