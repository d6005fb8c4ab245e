using System.Net.Sockets;
using System.Text.Json;
using Drydock.Build.Diagnostics;
using Drydock.Processes;

namespace Drydock.Build.Testing;

/// <summary>
/// Points Testcontainers for .NET in the test process at the engine Drydock loaded the image into, so
/// a test's backing services run next to the app's container, on networks it can join. Testcontainers
/// speaks the Docker Engine API (Docker.DotNet): docker's own endpoint, or podman's Docker-compatible
/// API socket (<c>podman system service</c>). Each variable is set only when the user's environment
/// has none: what the user configured wins. docs/image-tests.md, "Backing services".
/// </summary>
public static class ServiceEngine
{
    public const string DockerHost = "DOCKER_HOST";
    public const string DockerContext = "DOCKER_CONTEXT";
    public const string DockerApiVersion = "DOCKER_API_VERSION";
    public const string RyukDisabled = "TESTCONTAINERS_RYUK_DISABLED";

    /// <summary>Where podman's Docker API listens when it is not podman's default path (eng/env.sh sets it).</summary>
    public const string PodmanSocket = "DRYDOCK_PODMAN_SOCKET";

    /// <summary>
    /// The Docker API version Testcontainers 4's Docker.DotNet asks for unless DOCKER_API_VERSION says
    /// otherwise; an engine that serves less refuses every call ("client version 1.44 is too new").
    /// </summary>
    public static readonly Version ClientApiVersion = new(1, 44);

    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The variables for the test process: <c>DOCKER_HOST</c> (docker: the current context's endpoint,
    /// unless <c>DOCKER_CONTEXT</c> names one, which Testcontainers reads itself; podman: <c>DRYDOCK_PODMAN_SOCKET</c>,
    /// else <c>podman info</c>'s API socket), <c>DOCKER_API_VERSION</c> when the engine serves less than
    /// <see cref="ClientApiVersion"/>, and <c>TESTCONTAINERS_RYUK_DISABLED=true</c>: Drydock removes the
    /// run's labelled containers and networks itself, and Ryuk would be one more image to pull (a privileged one on podman).
    /// </summary>
    /// <param name="engine"><c>docker</c> or <c>podman</c>.</param>
    /// <param name="environment">The user's environment (e.g. <c>Environment.GetEnvironmentVariable</c>).</param>
    public static IReadOnlyDictionary<string, string> Variables(string engine, Func<string, string?> environment, IBuildLog log, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var host = Given(environment, DockerHost);
        if (host is not null)
        {
            log.Detail($"Drydock: {DockerHost}={host} for the image tests (from the environment)");
        }
        else if (Given(environment, DockerContext) is { } context)
        {
            log.Detail($"Drydock: {DockerContext}={context} for the image tests (from the environment; Testcontainers reads it)");
        }
        else if (Endpoint(engine, environment, log, cancellationToken) is { } endpoint)
        {
            host = variables[DockerHost] = endpoint;
        }

        if (Given(environment, DockerApiVersion) is null
            && ServedApiVersion(engine, host, cancellationToken) is { } served && served < ClientApiVersion)
        {
            variables[DockerApiVersion] = served.ToString();
            log.Detail($"Drydock: {DockerApiVersion}={served} for the image tests ({engine} serves at most {served}; Testcontainers asks {ClientApiVersion})");
        }

        if (Given(environment, RyukDisabled) is null)
        {
            variables[RyukDisabled] = "true";
        }

        return variables;
    }

    /// <summary>
    /// The test assemblies that talk to the engine's API themselves: Testcontainers (<c>Testcontainers.dll</c>) or
    /// Docker.DotNet (<c>Docker.DotNet.dll</c>) beside the assembly. Only their runs need <see cref="Variables"/>:
    /// asking the engine for them costs a few hundred milliseconds that a run without them would wait for nothing.
    /// </summary>
    public static IReadOnlyList<string> Users(IEnumerable<string> testAssemblies) =>
        [.. testAssemblies.Where(assembly => ApiClients.Any(client => File.Exists(Path.Join(Path.GetDirectoryName(assembly), client))))];

    private static readonly string[] ApiClients = ["Testcontainers.dll", "Docker.DotNet.dll"];

    private static string? Given(Func<string, string?> environment, string name) =>
        environment(name) is { Length: > 0 } value ? value : null;

    /// <summary>The engine's Docker API endpoint (<c>unix:///…</c>, <c>tcp://…</c>, <c>ssh://…</c>), or null when none is found.</summary>
    private static string? Endpoint(string engine, Func<string, string?> environment, IBuildLog log, CancellationToken cancellationToken)
    {
        if (engine == "docker")
        {
            // The endpoint the docker CLI uses: the current context (docker context use), default the daemon's socket.
            var context = Query("docker", ["context", "inspect", "--format", "{{.Endpoints.docker.Host}}"], cancellationToken);
            log.Detail(context is null
                ? "Drydock: no docker context endpoint found; Testcontainers looks for the engine itself"
                : $"Drydock: {DockerHost}={context} for the image tests (docker's current context)");
            return context;
        }

        if (Given(environment, PodmanSocket) is { } socket)
        {
            log.Detail($"Drydock: {DockerHost}=unix://{socket} for the image tests (from {PodmanSocket}){(File.Exists(socket) ? "" : "; nothing listens there: start 'podman system service'")}");
            return "unix://" + socket;
        }

        // Podman's API socket, from systemd's podman.socket (rootful /run/podman/podman.sock, rootless
        // $XDG_RUNTIME_DIR/podman/podman.sock). Set even when missing: Testcontainers then fails naming
        // podman's socket, rather than finding some docker engine the app's container is not on.
        var info = Query("podman", ["info", "--format", "{{.Host.RemoteSocket.Path}} {{.Host.RemoteSocket.Exists}}"], cancellationToken)?.Split(' ');
        if (info is not [{ Length: > 0 } path, var exists])
        {
            log.Detail("Drydock: podman names no API socket; Testcontainers looks for an engine itself");
            return null;
        }

        var endpoint = path.Contains("://", StringComparison.Ordinal) ? path : "unix://" + path;
        log.Detail($"Drydock: {DockerHost}={endpoint} for the image tests (podman's API socket){(exists == "true" ? "" : "; it does not exist: tests that start services with Testcontainers need 'podman system service' or 'systemctl start podman.socket'")}");
        return endpoint;
    }

    /// <summary>
    /// The key <see cref="ForTests"/>'s answer for <paramref name="engine"/> is kept under for the rest of a build
    /// (<c>IBuildEngine4.RegisterTaskObject</c>): it depends on the engine and this process's environment only, and the
    /// engine's API answered it (DRY5108 otherwise). The test host started while the app compiles asks; the test step reuses it.
    /// </summary>
    public static string Key(string engine) => $"Drydock.ServiceVariables|{engine}";

    /// <summary>
    /// What the runs of <paramref name="testAssemblies"/> get for their backing services: none when no assembly uses
    /// Testcontainers or Docker.DotNet (<see cref="Users"/>: only those need the engine's API, so no other pays for the
    /// question); else <see cref="Variables"/>, once podman's API is known to answer (<see cref="CheckPodmanApi"/>).
    /// </summary>
    /// <exception cref="DrydockException">DRY5108.</exception>
    public static IReadOnlyDictionary<string, string> ForTests(string engine, IReadOnlyCollection<string> testAssemblies, IBuildLog log, CancellationToken cancellationToken)
    {
        var users = Users(testAssemblies);
        if (users.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        var services = Variables(engine, Environment.GetEnvironmentVariable, log, cancellationToken);
        CheckPodmanApi(engine, services.GetValueOrDefault(DockerHost) ?? Environment.GetEnvironmentVariable(DockerHost), users, log, cancellationToken);
        return services;
    }

    /// <summary>
    /// Before the tests: with podman as the engine, a test project that uses Testcontainers (<c>Testcontainers.dll</c>
    /// beside one of <paramref name="testAssemblies"/>) needs podman's Docker-compatible API, which the podman CLI
    /// does not (<c>podman system service</c> serves it). When the socket Testcontainers is given (<paramref name="dockerHost"/>,
    /// <c>unix://…</c>) does not answer <c>GET /version</c>, or there is none, the tests would fail one by one with
    /// Testcontainers' own words; this says what to do instead. A tcp:// or ssh:// endpoint is left to Testcontainers.
    /// </summary>
    /// <exception cref="DrydockException">DRY5108.</exception>
    public static void CheckPodmanApi(string engine, string? dockerHost, IEnumerable<string> testAssemblies, IBuildLog log, CancellationToken cancellationToken)
    {
        if (engine != "podman")
        {
            return;
        }

        var users = Users(testAssemblies);
        if (users.Count == 0 || (dockerHost is { } host && !host.StartsWith("unix://", StringComparison.Ordinal)))
        {
            return;
        }

        var socket = dockerHost?["unix://".Length..];
        if (socket is not null && SocketApiVersion(socket, cancellationToken) is not null)
        {
            log.Detail($"Drydock: podman's Docker API answers at {dockerHost} for Testcontainers");
            return;
        }

        throw new DrydockException(KnownCodes.PodmanApiMissing,
            $"podman is the engine and {Path.GetFileNameWithoutExtension(users[0])} uses Testcontainers, which needs podman's Docker-compatible API socket, " +
            (socket is null ? "but podman names none. " : $"but nothing answers at {socket}{(File.Exists(socket) ? "" : " (no such socket)")}. ") +
            $"Start it: 'podman system service --time=0 unix://{socket ?? "/run/podman/podman.sock"}' (or 'systemctl start podman.socket', 'systemctl --user start podman.socket'), " +
            $"or set {PodmanSocket} (or {DockerHost}=unix://…) to the socket a running service listens on.");
    }

    /// <summary>The highest Docker API version the engine serves; null when it cannot be asked.</summary>
    private static Version? ServedApiVersion(string engine, string? host, CancellationToken cancellationToken)
    {
        string? text;
        if (host?.StartsWith("unix://", StringComparison.Ordinal) == true)
        {
            // Podman's CLI reports its own version, not the Docker API's: ask the socket (GET /version needs no version prefix).
            text = SocketApiVersion(host["unix://".Length..], cancellationToken);
        }
        else
        {
            text = engine == "docker" ? Query("docker", ["version", "--format", "{{.Server.APIVersion}}"], cancellationToken) : null;
        }

        return Version.TryParse(text, out var version) ? version : null;
    }

    private static string? SocketApiVersion(string socketPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(socketPath))
        {
            return null;
        }

        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var http = new HttpClient(handler) { Timeout = QueryTimeout };
        try
        {
            var body = http.GetStringAsync(new Uri("http://engine/version"), cancellationToken).GetAwaiter().GetResult();
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("ApiVersion", out var version) ? version.GetString() : null;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The trimmed first line a CLI query prints, or null when it fails or prints nothing.</summary>
    private static string? Query(string program, string[] arguments, CancellationToken cancellationToken)
    {
        try
        {
            var result = ProcessRunner.Run(program, arguments, QueryTimeout, cancellationToken);
            var line = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return result.Succeeded && line is { Length: > 0 } ? line : null;
        }
        catch (Exception e) when (e is FileNotFoundException or TimeoutException)
        {
            return null;
        }
    }
}
