using System.Globalization;

using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// The test run this process belongs to, for what a test starts itself: backing services and their
/// networks (Testcontainers' <c>WithLabel(TestRun.Labels)</c>). Labelled so, they are removed with the
/// app's containers: by the publish at the end of its run (by <see cref="Id"/>), and by the next
/// publish's sweep when this test host was killed (by its process id). docs/image-tests.md, "Backing services".
/// </summary>
public static class TestRun
{
    /// <summary>
    /// The run id: <c>DRYDOCK_RUN_ID</c> (one per publish), else one per test host; the value of the
    /// <c>io.drydock.run</c> label. Fixtures with explicit <see cref="ImageOptions.RunId"/> label their own containers with that.
    /// </summary>
    public static string Id { get; } = Environment.GetEnvironmentVariable(DrydockVariables.RunId) is { Length: > 0 } id ? id : ImageOptions.ProcessRunId;

    /// <summary>
    /// True in a publish's test run (<c>DRYDOCK_RUN_REMOVED_AFTER</c> with <c>DRYDOCK_RUN_ID</c>): the publish removes every
    /// container labelled with <see cref="Id"/> once this test host has ended.
    /// </summary>
    internal static bool RemovedAfter { get; } = Environment.GetEnvironmentVariable(DrydockVariables.RunId) is { Length: > 0 }
        && Environment.GetEnvironmentVariable(DrydockVariables.RunRemovedAfter) == "true";

    /// <summary>The run label alone: <c>io.drydock.run</c> = <see cref="Id"/>.</summary>
    public static KeyValuePair<string, string> Label { get; } = new(RunLabels.Run, Id);

    /// <summary>
    /// Every label Drydock sweeps by, as the app's containers carry them: <c>io.drydock.run</c> =
    /// <see cref="Id"/>, <c>io.drydock.pid</c> = this test host's process id, <c>io.drydock.owner</c> = this
    /// test host as a sweep on any machine can judge it (boot id, PID namespace, pid, start time) and
    /// <c>io.drydock.lease</c>, after which anyone may remove them (docs/image-tests.md, "Cleanup").
    /// </summary>
    public static IReadOnlyDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [RunLabels.Run] = Id,
        [RunLabels.Pid] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        [RunLabels.Owner] = RunOwner.Current.ToString(),
        [RunLabels.Lease] = RunOwner.LeaseText,
    };
}
