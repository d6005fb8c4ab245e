namespace Drydock.Testing.Tests.Support;

/// <summary>
/// The engines eng/setup.sh starts: Docker Engine and rootful podman on this machine, and "remote": the
/// Docker Engine eng/remote-engine.sh runs in its own network, PID and mount namespaces, reached over
/// <c>tcp://10.231.0.2:2375</c> as CI's docker:dind service is. Every runtime-dependent test runs on the
/// first two; the remote one runs the tests whose outcome depends on where the engine is (readiness,
/// failures, OOM, cleanup, the latency proxy), so CI's added time stays small.
/// </summary>
public static class TestEngines
{
    public const string Remote = "remote";

    public static readonly string[] Names = ["docker", "podman"];

    /// <summary>Every engine the fixture loads the test app into.</summary>
    public static readonly string[] All = [.. Names, Remote];

    /// <summary>The remote engine's address in the namespace eng/remote-engine.sh creates.</summary>
    public const string RemoteAddress = "10.231.0.2";

    /// <summary>The ways into the remote engine: plain tcp (GitLab's dind without TLS), TLS on 2376 with client certificates, ssh.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> RemoteConnections = new Dictionary<string, IReadOnlyDictionary<string, string?>>
    {
        ["tcp"] = Connection($"tcp://{RemoteAddress}:2375"),
        ["tls"] = Connection($"tcp://{RemoteAddress}:2376", tls: true),
        ["ssh"] = Connection($"ssh://root@{RemoteAddress}"),
    };

    public static TheoryData<string> Both => [.. Names];

    /// <summary>Docker Engine, podman and the remote engine.</summary>
    public static TheoryData<string> Three => [.. All];

    /// <summary>
    /// Points this process at <paramref name="engine"/> and returns the CLI to name (<c>docker</c> for the remote
    /// one). Engines pin their connection when made, and the tests run one at a time (AssemblyInfo), so a test
    /// that names an engine is on it until the next one names another.
    /// </summary>
    public static string Use(string engine, string connection = "tcp")
    {
        var variables = engine == Remote ? RemoteConnections[connection] : Connection(null);
        foreach (var (name, value) in variables)
        {
            System.Environment.SetEnvironmentVariable(name, value);
        }

        return engine == Remote ? "docker" : engine;
    }

    /// <summary>The connection variables for <paramref name="engine"/>, to lay over a child process's environment.</summary>
    public static IReadOnlyDictionary<string, string?> Environment(string engine) =>
        engine == Remote ? RemoteConnections["tcp"] : Connection(null);

    public static string Cli(string engine) => engine == Remote ? "docker" : engine;

    private static Dictionary<string, string?> Connection(string? host, bool tls = false) => new(StringComparer.Ordinal)
    {
        ["DOCKER_HOST"] = host,
        ["DOCKER_TLS_VERIFY"] = tls ? "1" : null,
        ["DOCKER_CERT_PATH"] = tls ? Path.Combine(RemoteDirectory, "client") : null,
        ["DOCKER_CONTEXT"] = null,
    };

    private static string RemoteDirectory =>
        System.Environment.GetEnvironmentVariable("DRYDOCK_REMOTE_DIR") is { Length: > 0 } dir ? dir : "/run/drydock-remote";
}
