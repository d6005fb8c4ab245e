namespace Drydock.Testing;

/// <summary>
/// How a container is started for a test: the production-like limits of the design's test profile
/// (<c>ContainerTest*</c> properties, passed as <c>DRYDOCK_TEST_*</c> variables).
/// </summary>
public sealed record TestProfile
{
    /// <summary>CPU quota in cores (<c>--cpus</c>); the app's <c>Environment.ProcessorCount</c> follows it.</summary>
    public double Cpus { get; init; } = 1;

    /// <summary>Memory limit in the size syntax (<c>256m</c>, <c>1g</c>: powers of 1024; <c>200MB</c>: powers of 1000); swap is set to the same, so none.</summary>
    public string Memory { get; init; } = "256m";

    /// <summary>Maximum number of processes/threads (<c>--pids-limit</c>); null leaves the runtime's default.</summary>
    public int? PidsLimit { get; init; }

    /// <summary>Read-only root file system, with a writable tmpfs at <c>/tmp</c>.</summary>
    public bool ReadOnly { get; init; } = true;

    /// <summary>Delay added to data in each direction by a TCP proxy in front of the container.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Uniform jitter around <see cref="Latency"/>: each delay is in [latency − jitter, latency + jitter].</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>The bound on readiness: within it the app must listen on <see cref="Port"/> and answer (see <see cref="ImageUnderTest.StartAsync"/>).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The container port the app listens on (the chiseled ASP.NET images use 8080).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>When set, readiness needs a 2xx answer to <c>GET</c> this path (without it, any HTTP answer, or for a non-HTTP app its listening socket).</summary>
    public string? ReadyPath { get; init; }

    /// <summary>Memory as bytes: what the engine is given (<c>--memory</c>), so docker and podman read no unit differently.</summary>
    public long MemoryBytes => Drydock.Values.Sizes.Parse(Memory) ?? throw Settings.Invalid(nameof(Memory), Memory, Settings.MemoryHint);

    /// <exception cref="ArgumentException">A value is out of range.</exception>
    internal void Validate()
    {
        Check(Cpus > 0 && double.IsFinite(Cpus), nameof(Cpus), Cpus, Settings.CpusHint);
        Check(Drydock.Values.Sizes.Parse(Memory) is > 0, nameof(Memory), Memory, Settings.MemoryHint);
        Check(PidsLimit is null or > 0, nameof(PidsLimit), PidsLimit, Settings.PidsHint);
        Check(Latency >= TimeSpan.Zero && Jitter >= TimeSpan.Zero && Jitter <= Latency, nameof(Latency), $"{Latency}±{Jitter}", Settings.LatencyHint);
        Check(Timeout > TimeSpan.Zero, nameof(Timeout), Timeout, Settings.TimeoutHint);
        Check(Port is > 0 and <= 65535, nameof(Port), Port, Settings.PortHint);
        Check(ReadyPath is null || ReadyPath.StartsWith('/'), nameof(ReadyPath), ReadyPath, Settings.ReadyPathHint);
    }

    private static void Check(bool valid, string name, object? value, string hint)
    {
        if (!valid)
        {
            throw new ArgumentException($"{Drydock.Runtime.ImageTestCodes.InvalidSetting}: TestProfile.{name} is '{value}'; {hint}", name);
        }
    }
}
