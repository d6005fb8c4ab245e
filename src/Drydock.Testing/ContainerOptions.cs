namespace Drydock.Testing;

/// <summary>
/// What one test changes for its container: any profile value (null keeps the fixture's), and
/// environment variables for the app.
/// </summary>
public sealed class ContainerOptions
{
    public double? Cpus { get; set; }

    public string? Memory { get; set; }

    public int? PidsLimit { get; set; }

    public bool? ReadOnly { get; set; }

    public TimeSpan? Latency { get; set; }

    public TimeSpan? Jitter { get; set; }

    public TimeSpan? Timeout { get; set; }

    public int? Port { get; set; }

    public string? ReadyPath { get; set; }

    public string? ReadyLogPattern { get; set; }

    public bool? ReadyWhenStarted { get; set; }

    public bool? Tmpfs { get; set; }

    /// <summary>
    /// A network the container joins (<c>--network</c>) instead of the engine's default bridge: the one
    /// a test's backing services run on (a Testcontainers <c>INetwork</c>'s <c>Name</c>), so the app
    /// reaches them by their network aliases. The container keeps the profile's limits and its
    /// published test port. Null: the engine's default network.
    /// </summary>
    public string? Network { get; set; }

    /// <summary>Names other containers on <see cref="Network"/> reach this one by (<c>--network-alias</c>).</summary>
    public IList<string> NetworkAliases { get; } = [];

    /// <summary>Passed to the container with <c>--env</c>; they win over the image's own variables.</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    internal TestProfile ApplyTo(TestProfile profile) => profile with
    {
        Cpus = Cpus ?? profile.Cpus,
        Memory = Memory ?? profile.Memory,
        PidsLimit = PidsLimit ?? profile.PidsLimit,
        ReadOnly = ReadOnly ?? profile.ReadOnly,
        Latency = Latency ?? profile.Latency,
        Jitter = Jitter ?? profile.Jitter,
        Timeout = Timeout ?? profile.Timeout,
        Port = Port ?? profile.Port,
        ReadyPath = ReadyPath ?? profile.ReadyPath,
        ReadyLogPattern = ReadyLogPattern ?? profile.ReadyLogPattern,
        ReadyWhenStarted = ReadyWhenStarted ?? profile.ReadyWhenStarted,
        Tmpfs = Tmpfs ?? profile.Tmpfs,
    };
}
