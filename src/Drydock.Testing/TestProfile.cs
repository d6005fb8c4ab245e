namespace Drydock.Testing;

/// <summary>
/// How a container is started for a test: the production-like limits of the design's test profile
/// (<c>ContainerTest*</c> properties, passed as <c>DRYDOCK_TEST_*</c> variables).
/// </summary>
public sealed record TestProfile
{
    /// <summary>CPU quota in cores (<c>--cpus</c>); the app's <c>Environment.ProcessorCount</c> follows it.</summary>
    public double Cpus { get; init; } = Drydock.Runtime.ContainerLimits.DefaultCpus;

    /// <summary>Memory limit in the size syntax (<c>256m</c>, <c>1g</c>: powers of 1024; <c>200MB</c>: powers of 1000); swap is set to the same, so none.</summary>
    public string Memory { get; init; } = Drydock.Runtime.ContainerLimits.DefaultMemory;

    /// <summary>Maximum number of processes/threads (<c>--pids-limit</c>); null leaves the runtime's default.</summary>
    public int? PidsLimit { get; init; }

    /// <summary>Read-only root file system, with a writable tmpfs at <c>/tmp</c> unless <see cref="Tmpfs"/> is false.</summary>
    public bool ReadOnly { get; init; } = Drydock.Runtime.ContainerLimits.DefaultReadOnly;

    /// <summary>
    /// With <see cref="ReadOnly"/>: a writable tmpfs at <c>/tmp</c> (the default). False is strict: nothing is
    /// writable (podman's own tmpfs mounts are turned off too, <c>--read-only-tmpfs=false</c>), as in a pod whose
    /// <c>readOnlyRootFilesystem</c> has no <c>emptyDir</c>; it catches an app that writes to <c>/tmp</c>
    /// (ASP.NET Core data protection keys, the runtime's diagnostics IPC socket).
    /// </summary>
    public bool Tmpfs { get; init; } = Drydock.Runtime.ContainerLimits.DefaultTmpfs;

    /// <summary>Delay added to data in each direction by a TCP proxy in front of the container.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Uniform jitter around <see cref="Latency"/>: each delay is in [latency − jitter, latency + jitter].</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>The bound on readiness: within it the app must listen on <see cref="Port"/> and answer (see <see cref="ImageUnderTest.StartAsync"/>).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The container port the app listens on (the chiseled ASP.NET images use 8080), published on loopback;
    /// null for an app that listens on none (<c>DRYDOCK_TEST_PORT=none</c>: a console app, a job, a worker),
    /// which <see cref="ImageUnderTest.RunToExitAsync"/> runs, and <see cref="ImageUnderTest.StartAsync"/>
    /// starts only with <see cref="ReadyLogPattern"/> or <see cref="ReadyWhenStarted"/>.
    /// </summary>
    public int? Port { get; init; } = Drydock.Runtime.ContainerLimits.DefaultPort;

    /// <summary>When set, readiness needs a 2xx answer to <c>GET</c> this path (without it, any HTTP answer, or for a non-HTTP app its listening socket).</summary>
    public string? ReadyPath { get; init; }

    /// <summary>
    /// When set, the app is ready once a line of its output (stdout or stderr) matches this regular expression
    /// (.NET syntax, e.g. <c>Application started</c> or <c>Listening on port \d+</c>), whatever it listens on.
    /// Wins over the port and <see cref="ReadyPath"/>.
    /// </summary>
    public string? ReadyLogPattern { get; init; }

    /// <summary>Ready as soon as the container runs: for a worker that listens on no port and logs nothing to wait for.</summary>
    public bool ReadyWhenStarted { get; init; }

    /// <summary>Memory as bytes: what the engine is given (<c>--memory</c>), so docker and podman read no unit differently.</summary>
    public long MemoryBytes => Drydock.Values.Sizes.Parse(Memory) ?? throw Settings.Invalid(nameof(Memory), Memory, Drydock.Runtime.ProfileValues.MemoryHint);

    /// <exception cref="ArgumentException">A value is out of range.</exception>
    internal void Validate()
    {
        Check(Cpus > 0 && double.IsFinite(Cpus), nameof(Cpus), Cpus, Drydock.Runtime.ProfileValues.CpusHint);
        Check(Drydock.Runtime.ProfileValues.IsMemory(Memory), nameof(Memory), Memory, Drydock.Runtime.ProfileValues.MemoryHint);
        Check(PidsLimit is null or > 0, nameof(PidsLimit), PidsLimit, Drydock.Runtime.ProfileValues.PidsHint);
        Check(Latency >= TimeSpan.Zero && Jitter >= TimeSpan.Zero && Jitter <= Latency, nameof(Latency), $"{Latency}±{Jitter}", Drydock.Runtime.ProfileValues.LatencyHint);
        Check(Timeout > TimeSpan.Zero, nameof(Timeout), Timeout, Drydock.Runtime.ProfileValues.TimeoutHint);
        Check(Port is null or (> 0 and <= 65535), nameof(Port), Port, Drydock.Runtime.ProfileValues.PortHint);
        Check(ReadyPath is null || ReadyPath.StartsWith('/'), nameof(ReadyPath), ReadyPath, Drydock.Runtime.ProfileValues.ReadyPathHint);
        Check(ReadyLogPattern is null || Drydock.Runtime.ProfileValues.IsPattern(ReadyLogPattern), nameof(ReadyLogPattern), ReadyLogPattern, Drydock.Runtime.ProfileValues.ReadyLogPatternHint);
    }

    private static void Check(bool valid, string name, object? value, string hint)
    {
        if (!valid)
        {
            throw new ArgumentException($"{Drydock.Runtime.ImageTestCodes.InvalidSetting}: TestProfile.{name} is '{value}'; {hint}", name);
        }
    }
}
