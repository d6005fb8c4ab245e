using Drydock.Processes;

namespace Drydock.Runtime;

/// <summary>
/// Where a container engine is, as its own CLI resolves it: docker's current context (<c>DOCKER_HOST</c>,
/// else <c>DOCKER_CONTEXT</c>, else <c>currentContext</c> in <c>~/.docker/config.json</c>, else the daemon's
/// socket; one <c>docker context inspect</c> reads them in the CLI's own order, the context's
/// <c>meta.json</c> included), or podman's <c>CONTAINER_HOST</c> / <c>CONTAINER_CONNECTION</c>.
/// Ports the engine publishes appear on <see cref="Host"/>: for a tcp:// or ssh:// endpoint that host
/// (GitLab's <c>docker:dind</c> service, a Kubernetes dind sidecar, a build host), else this machine.
/// </summary>
/// <param name="Uri">The endpoint (<c>unix:///var/run/docker.sock</c>, <c>tcp://docker:2376</c>, <c>ssh://ci@build</c>); empty when the CLI names none.</param>
/// <param name="Source">Where it came from, for the log: <c>DOCKER_HOST</c>, <c>context 'ci' (DOCKER_CONTEXT)</c>, …</param>
internal sealed record EngineEndpoint(string Uri, string Source)
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The variables that choose and secure a docker or podman CLI's connection. An engine keeps their values from
    /// when it was made (<see cref="Pinned"/>), so all its commands reach the same engine whatever changes later.
    /// </summary>
    public static readonly IReadOnlyList<string> Variables =
        ["DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONFIG", "CONTAINER_HOST", "CONTAINER_CONNECTION", "CONTAINER_SSHKEY"];

    /// <summary>The values of <see cref="Variables"/> now (null: unset, so the CLI's own default).</summary>
    public static IReadOnlyDictionary<string, string?> Pinned(Func<string, string?> environment) =>
        Variables.ToDictionary(name => name, name => environment(name) is { Length: > 0 } value ? value : null, StringComparer.Ordinal);

    /// <summary>The engine on this machine, reached the engine's default way.</summary>
    public static readonly EngineEndpoint Local = new("", "the engine's default");

    /// <summary>
    /// The host of a <c>tcp://</c> or <c>ssh://</c> endpoint that is not this machine's loopback (without user,
    /// port or IPv6 brackets); null for a local socket, a named pipe, or a loopback host (podman machine and
    /// Docker Desktop forward the ports of their VM to this machine's loopback).
    /// </summary>
    public string? Host
    {
        get
        {
            if (!(Uri.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) || Uri.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase))
                || !System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri) || uri.DnsSafeHost is not { Length: > 0 } host)
            {
                return null;
            }

            return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address)) ? null : host;
        }
    }

    /// <summary>Whether the engine runs elsewhere: its containers' processes and ports are not this machine's.</summary>
    public bool IsRemote => Host is not null;

    /// <summary>
    /// Reached through a socket of this machine (or the default): its containers' pids may be this machine's.
    /// Not for any tcp:// or ssh:// endpoint, loopback ones included (a Kubernetes pod's dind sidecar shares the
    /// pod's network, not its PID namespace).
    /// </summary>
    public bool IsLocalSocket => Uri.Length == 0 || Uri.StartsWith("unix://", StringComparison.OrdinalIgnoreCase) || Uri.StartsWith("npipe://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The endpoint the CLI <paramref name="command"/> (<c>docker</c>, <c>podman</c>) talks to; <see cref="Local"/> when it names none.</summary>
    public static async Task<EngineEndpoint> ResolveAsync(string command, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (command == "podman")
        {
            // podman on Linux is local unless told otherwise; a podman machine's default connection forwards its ports to loopback.
            if (environment("CONTAINER_HOST") is { Length: > 0 } containerHost)
            {
                return new EngineEndpoint(containerHost, "CONTAINER_HOST");
            }

            if (environment("CONTAINER_CONNECTION") is { Length: > 0 } connection)
            {
                var list = await QueryAsync("podman", ["system", "connection", "list", "--format", "{{.Name}} {{.URI}}"], environment, cancellationToken).ConfigureAwait(false);
                var uri = list?.Split('\n').Select(line => line.Trim().Split(' ', 2)).FirstOrDefault(parts => parts.Length == 2 && parts[0] == connection)?[1];
                return uri is null ? Local : new EngineEndpoint(uri, $"connection '{connection}' (CONTAINER_CONNECTION)");
            }

            return Local;
        }

        // No daemon is asked: the CLI reads its environment, config.json and the context store.
        var inspect = await QueryAsync(command, ["context", "inspect", "--format", "{{.Name}} {{.Endpoints.docker.Host}}"], environment, cancellationToken).ConfigureAwait(false);
        if (inspect?.Split('\n')[0].Trim().Split(' ', 2) is not [var name, { Length: > 0 } host])
        {
            return Local;
        }

        var source = environment("DOCKER_HOST") is { Length: > 0 } ? "DOCKER_HOST"
            : environment("DOCKER_CONTEXT") is { Length: > 0 } ? $"context '{name}' (DOCKER_CONTEXT)"
            : name == "default" ? "the default context" : $"context '{name}' (docker context use)";
        return new EngineEndpoint(host, source);
    }

    public override string ToString() => Uri.Length == 0 ? Source : $"{Uri} (from {Source})";

    private static async Task<string?> QueryAsync(string command, IReadOnlyList<string> arguments, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        try
        {
            var result = await ProcessRunner.RunAsync(command, arguments, QueryTimeout, cancellationToken, environment: Pinned(environment)).ConfigureAwait(false);
            return result.Succeeded ? result.StandardOutput : null;
        }
        catch (Exception e) when (e is FileNotFoundException or TimeoutException)
        {
            return null;
        }
    }
}
