using System.Net;
using System.Text.RegularExpressions;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// A registry as the user names it (<c>ContainerRegistry</c>) and where its API answers. For every registry but
/// Docker Hub the two are one <c>host[:port]</c>. Docker Hub is named <c>docker.io</c> (also <c>index.docker.io</c>,
/// <c>registry-1.docker.io</c>), its API is at <c>registry-1.docker.io</c> (<c>https://docker.io/v2/</c> redirects to
/// a web page), and a one-component repository lives under <c>library/</c> — as docker and the .NET SDK name images
/// (distribution/reference <c>normalize.go</c>: <c>docker.io/library/x</c>).
/// </summary>
/// <param name="Name">The registry's name in lower case: <c>docker.io</c> for every Docker Hub alias.</param>
/// <param name="ApiHost">Where <c>/v2/</c> answers: <c>host[:port]</c>.</param>
public sealed partial record RegistryEndpoint(string Name, string ApiHost)
{
    public const string DockerHub = "docker.io";
    public const string DockerHubApi = "registry-1.docker.io";

    public bool IsDockerHub => Name == DockerHub;

    /// <summary>
    /// The endpoint of <paramref name="registry"/>; throws <see cref="KnownCodes.InvalidRegistry"/> unless it is
    /// <c>host[:port]</c> (a DNS name, an IPv4 address or a bracketed IPv6 address, a port of 1..65535).
    /// </summary>
    /// <param name="property">The property it came from, for the message.</param>
    public static RegistryEndpoint Parse(string? registry, string property = "ContainerRegistry")
    {
        var value = registry?.Trim() ?? "";
        if (!IsHostAndPort(value))
        {
            var hint = value.Contains("://", StringComparison.Ordinal) || value.Contains('/', StringComparison.Ordinal)
                ? " Leave out the scheme and any path: the repository goes in ContainerRepository."
                : "";
            throw new DrydockException(
                KnownCodes.InvalidRegistry,
                $"{property} {MessageText.Quote(value)} is not a registry: give its host and optional port only, such as ghcr.io, registry.example.com:5000 or localhost:5000.{hint}");
        }

        var name = value.ToLowerInvariant();
        return name is DockerHub or "index.docker.io" or DockerHubApi
            ? new RegistryEndpoint(DockerHub, DockerHubApi)
            : new RegistryEndpoint(name, name);
    }

    /// <summary>The repository as the registry's API names it: <c>library/x</c> for Docker Hub's one-component <c>x</c>.</summary>
    public string Repository(string repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return IsDockerHub && !repository.Contains('/', StringComparison.Ordinal) ? "library/" + repository : repository;
    }

    /// <summary>Whether <paramref name="name"/>, a registry as written in an image name, is this registry.</summary>
    public bool Names(string name) =>
        IsHostAndPort(name) && Parse(name).Name == Name;

    public override string ToString() => Name;

    private static bool IsHostAndPort(string value)
    {
        var match = HostAndPort().Match(value);
        if (!match.Success)
        {
            return false;
        }

        var host = match.Groups["host"].Value;
        var port = match.Groups["port"];
        return (!port.Success || (int.TryParse(port.Value, out var number) && number is > 0 and <= 65535))
            && (host.StartsWith('[') ? IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                : Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4);
    }

    [GeneratedRegex(@"^(?<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::(?<port>[0-9]{1,5}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostAndPort();
}
