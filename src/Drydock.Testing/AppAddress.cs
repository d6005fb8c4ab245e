using System.Net;
using System.Net.Sockets;

using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// Where the engine's published ports answer for this test host, and why: <see cref="ImageOptions.Host"/>
/// (<c>DRYDOCK_TEST_HOST</c>), else <c>TESTCONTAINERS_HOST_OVERRIDE</c>, else the engine's host
/// (<see cref="EngineEndpoint.Host"/>: <c>tcp://docker:2375</c> gives <c>docker</c>), else this machine's loopback.
/// </summary>
/// <param name="Address">The address connects go to (a host name resolved, IPv4 first, as the engine publishes on IPv4).</param>
/// <param name="Source">Where it came from, for messages: <c>DRYDOCK_TEST_HOST</c>, <c>the engine's endpoint tcp://…</c>, …</param>
internal sealed record AppAddress(IPAddress Address, string Source)
{
    /// <summary>Published on this machine's loopback only: nothing else should reach a test's container.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <exception cref="InvalidOperationException">DRY5107: the host does not resolve to an address.</exception>
    public static AppAddress Resolve(EngineEndpoint endpoint, string? host, Func<string, string?> environment)
    {
        var (name, source) = host is { Length: > 0 } ? (host, DrydockVariables.Host)
            : environment(DrydockVariables.TestcontainersHostOverride) is { Length: > 0 } overridden ? (overridden.Trim(), DrydockVariables.TestcontainersHostOverride)
            : endpoint.Host is { } engineHost ? (engineHost, $"the engine's endpoint {endpoint}")
            : ("127.0.0.1", "the engine is on this machine");
        name = name.Trim('[', ']');
        if (IPAddress.TryParse(name, out var address))
        {
            return new AppAddress(address, source);
        }

        try
        {
            var addresses = Dns.GetHostAddresses(name);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (chosen is not null)
            {
                return new AppAddress(chosen, $"{name} from {source}");
            }
        }
        catch (SocketException)
        {
            // Said below, with what to set.
        }

        throw new InvalidOperationException(
            $"{ImageTestCodes.HostNotFound}: the host '{name}' ({source}), where the engine publishes the app's port, does not resolve to an address here. " +
            $"Set {DrydockVariables.Host} (DrydockTestHost) or {DrydockVariables.TestcontainersHostOverride} to a name or address of the engine's host that this machine resolves.");
    }
}
