using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Version = System.Version;
using DotNet.Testcontainers.Configurations;

namespace Drydock.Services.Tests.Support;

/// <summary>
/// The two engines image tests run on, as Testcontainers reaches them: Docker Engine on its socket
/// (or DOCKER_HOST), podman through the Docker-compatible API eng/setup.sh starts on
/// DRYDOCK_PODMAN_SOCKET. The offline service images eng/service-images.sh pushes to the loopback
/// registry, and the run label every container and network of a test carries.
/// </summary>
internal static class Engines
{
    /// <summary>The label key Drydock marks a test run's containers with (value: the run id).</summary>
    public const string RunLabel = "io.drydock.run";

    /// <summary>An upper bound for starting a service container, pull and readiness included.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The Docker API version every client here speaks: the lowest the engines serve. Testcontainers
    /// 4.16 asks for 1.44 unless DOCKER_API_VERSION says otherwise, and Debian's Docker Engine 20.10
    /// serves at most 1.41 ("client version 1.44 is too new"); podman's compat API serves 1.41 too.
    /// </summary>
    public static readonly Version ApiVersion;

    static Engines()
    {
        // Before Testcontainers reads its settings.
        if (Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is not { Length: > 0 } pinned)
        {
            var served = All.Select(engine => ServedApiVersion(Endpoint(engine))).OfType<Version>().ToList();
            pinned = (served.Count > 0 ? served.Min()! : new Version(1, 41)).ToString();
            Environment.SetEnvironmentVariable("DOCKER_API_VERSION", pinned);
        }

        ApiVersion = Version.Parse(pinned);
        // Ryuk, Testcontainers' reaper, is an internet image: unavailable offline. Every test disposes
        // its containers and networks itself and asserts that none is left.
        TestcontainersSettings.ResourceReaperEnabled = false;
    }

    private static readonly string[] All = ["docker", "podman"];

    public static TheoryData<string> Names => new(All);

    /// <summary>The Docker API endpoint of <paramref name="engine"/> ("docker" or "podman"), as a unix:// URI.</summary>
    public static Uri Endpoint(string engine) => engine switch
    {
        "docker" => new Uri(Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock"),
        "podman" => new Uri("unix://" + (Environment.GetEnvironmentVariable("DRYDOCK_PODMAN_SOCKET") is { Length: > 0 } socket ? socket : "/run/drydock/podman.sock")),
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "expected docker or podman"),
    };

    public static string Registry => Environment.GetEnvironmentVariable("DRYDOCK_TEST_REGISTRY") is { Length: > 0 } registry ? registry : "localhost:5000";

    public static string PostgresImage => $"{Registry}/library/postgres:15";

    public static string RedisImage => $"{Registry}/library/redis:7";

    public static string NewRunId() => "services-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Names of the containers (running or not) and networks on <paramref name="engine"/> labelled with <paramref name="runId"/>.</summary>
    public static async Task<(IReadOnlyList<string> Containers, IReadOnlyList<string> Networks)> OfRunAsync(string engine, string runId)
    {
        using var client = new DockerClientBuilder().WithEndpoint(Endpoint(engine)).WithApiVersion(ApiVersion).Build();
        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{RunLabel}={runId}"] = true },
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters }, timeout.Token);
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filters }, timeout.Token);
        return ([.. containers.Select(c => string.Join(',', c.Names))], [.. networks.Select(n => n.Name)]);
    }

    /// <summary>The highest API version the engine on a unix socket serves (GET /version, which needs no version prefix), or null if it does not answer.</summary>
    private static Version? ServedApiVersion(Uri endpoint)
    {
        if (endpoint.Scheme != "unix")
        {
            return null;
        }

        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint.AbsolutePath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var version = http.GetStringAsync(new Uri("http://engine/version")).GetAwaiter().GetResult();
            using var document = JsonDocument.Parse(version);
            return Version.Parse(document.RootElement.GetProperty("ApiVersion").GetString() ?? "");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException or JsonException or FormatException)
        {
            return null;
        }
    }
}
