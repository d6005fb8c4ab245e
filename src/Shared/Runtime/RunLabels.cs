namespace Drydock.Runtime;

/// <summary>
/// The labels on every container an image test starts (linked source: Drydock.Build removes by them,
/// Drydock.Testing writes them). They let a publish remove what its tests left, also after a crash.
/// </summary>
internal static class RunLabels
{
    /// <summary>The run id: one per publish (<see cref="DrydockVariables.RunId"/>), or one per test host outside a publish.</summary>
    public const string Run = "io.drydock.run";

    /// <summary>The test host's process id: a container whose process is gone is swept.</summary>
    public const string Pid = "io.drydock.pid";
}
