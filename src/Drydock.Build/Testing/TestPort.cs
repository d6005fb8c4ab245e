using System.Globalization;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Testing;

/// <summary>The port the tests talk to, and where that choice came from (logged at <c>-v:d</c>).</summary>
/// <param name="Value">A container port, <c>1</c>–<c>65535</c>, or <see cref="TestPort.None"/>.</param>
public sealed record TestPortChoice(string Value, string Source);

/// <summary>
/// Decides <c>DRYDOCK_TEST_PORT</c>: <c>ContainerTestPort</c> when set; else the image's one exposed TCP
/// port (config <c>ExposedPorts</c>, OCI image spec); else the one HTTP port of its
/// <c>ASPNETCORE_URLS</c> or <c>ASPNETCORE_HTTP_PORTS</c> (URLS wins, as in ASP.NET Core); else
/// <see cref="None"/>. Several candidates at one step: DRY5006.
/// </summary>
public static class TestPort
{
    /// <summary>The app listens on no port (a console app, a job, a worker): tests that wait for a port fail; the others run.</summary>
    public const string None = "none";

    /// <param name="explicitPort"><c>ContainerTestPort</c>, or empty.</param>
    /// <param name="config">The image config (<c>application/vnd.oci.image.config.v1+json</c>).</param>
    /// <exception cref="DrydockException">DRY2010 for a malformed <c>ContainerTestPort</c>; DRY5006 when the image offers several ports.</exception>
    public static TestPortChoice Resolve(string? explicitPort, JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var given = (explicitPort ?? "").Trim();
        if (given.Length > 0)
        {
            return given.Equals(None, StringComparison.OrdinalIgnoreCase)
                ? new TestPortChoice(None, "ContainerTestPort")
                : Port(given) is { } port
                    ? new TestPortChoice(port.ToString(CultureInfo.InvariantCulture), "ContainerTestPort")
                    : throw new DrydockException(KnownCodes.InvalidTestPort,
                        $"ContainerTestPort is {MessageText.Quote(explicitPort)}; set the container port the tests talk to (1 to 65535), or '{None}' for an app that listens on none.");
        }

        var image = config["config"] as JsonObject ?? [];
        var exposed = (image["ExposedPorts"] as JsonObject ?? []).Select(pair => pair.Key).Order(StringComparer.Ordinal).ToArray();
        var tcp = exposed.Select(TcpPort).OfType<int>().Distinct().ToArray();
        if (tcp.Length > 0)
        {
            return One(tcp, "the image's ExposedPorts", exposed);
        }

        var environment = Environment(image);
        if (environment.GetValueOrDefault("ASPNETCORE_URLS") is { Length: > 0 } urls)
        {
            return One(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(UrlPort).OfType<int>().Distinct().ToArray(),
                "the image's ASPNETCORE_URLS", [$"ASPNETCORE_URLS={urls}", .. exposed]);
        }

        if (environment.GetValueOrDefault("ASPNETCORE_HTTP_PORTS") is { Length: > 0 } ports)
        {
            return One(ports.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Port).OfType<int>().Distinct().ToArray(),
                "the image's ASPNETCORE_HTTP_PORTS", [$"ASPNETCORE_HTTP_PORTS={ports}", .. exposed]);
        }

        return new TestPortChoice(None, exposed.Length == 0
            ? "the image exposes no port and sets neither ASPNETCORE_URLS nor ASPNETCORE_HTTP_PORTS"
            : $"the image exposes no TCP port ({string.Join(", ", exposed)})");
    }

    private static TestPortChoice One(int[] ports, string source, string[] offered) => ports.Length switch
    {
        0 => new TestPortChoice(None, $"{source} names no port"),
        1 => new TestPortChoice(ports[0].ToString(CultureInfo.InvariantCulture), source),
        _ => throw new DrydockException(KnownCodes.AmbiguousTestPort,
            $"The image offers several ports to test ({string.Join(", ", offered)}) and ContainerTestPort is not set; set ContainerTestPort to the one the image tests talk to (e.g. <ContainerTestPort>{ports[0].ToString(CultureInfo.InvariantCulture)}</ContainerTestPort>)."),
    };

    /// <summary><c>8080/tcp</c> or <c>8080</c> (tcp by default); null for udp, sctp or a malformed key.</summary>
    private static int? TcpPort(string key)
    {
        var parts = key.Split('/', 2);
        return parts.Length == 1 || parts[1].Equals("tcp", StringComparison.OrdinalIgnoreCase) ? Port(parts[0]) : null;
    }

    /// <summary><c>http://+:5000</c>, <c>http://[::]:80</c>, <c>http://localhost</c> (80): the port an HTTP URL listens on; null for https.</summary>
    private static int? UrlPort(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0 || !url[..scheme].Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var authority = url[(scheme + 3)..].Split('/', 2)[0];
        var colon = authority.LastIndexOf(':');
        return colon < 0 || colon < authority.LastIndexOf(']') ? 80 : Port(authority[(colon + 1)..]);
    }

    private static int? Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port : null;

    /// <summary>The config's <c>Env</c> (<c>NAME=value</c> strings); a later entry wins, as for the runtime.</summary>
    private static Dictionary<string, string> Environment(JsonObject image)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in (image["Env"] as JsonArray ?? []).Select(node => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null).OfType<string>())
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                environment[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        return environment;
    }
}
