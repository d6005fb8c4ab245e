namespace Drydock.Testing;

/// <summary>Resource use of a container so far.</summary>
/// <param name="PeakMemoryBytes">The highest memory use (cgroup <c>memory.max_usage_in_bytes</c> or
/// <c>memory.peak</c>); from runtime stats it is the current use, a lower bound of the peak.</param>
/// <param name="CpuTime">CPU time of all its processes; null when the source does not report it.</param>
/// <param name="Source"><c>cgroup v1</c>, <c>cgroup v2</c> or <c>runtime stats</c>.</param>
public sealed record ContainerStats(long PeakMemoryBytes, TimeSpan? CpuTime, string Source);
