using System.Net;
using System.Net.Sockets;
using Drydock.Build.Oci.Registry;

namespace Drydock.Build.Oci;

/// <summary>
/// Whether this machine can resolve the registry the SDK is about to pull the base image from. Offline or on a private
/// network, <c>mcr.microsoft.com</c> does not resolve, and the SDK's <c>CreateNewImage</c> fails with an unhandled
/// <c>HttpRequestException</c> (MSB4018, a stack trace) that names neither the setting nor what to do. One DNS lookup,
/// before the SDK builds the image, says so as DRY2036. Not asked: a loopback or IP-literal registry, and a machine
/// whose HTTPS goes through a proxy (<c>HTTPS_PROXY</c>, <c>ALL_PROXY</c>), which resolves names itself.
/// </summary>
public static class BaseRegistryCheck
{
    private static readonly string[] ProxyVariables = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];

    /// <summary>The resolver's error for <paramref name="registry"/>'s host (<c>host[:port]</c>); null when it resolves, is not asked, or the lookup outlasts <paramref name="bound"/> (the SDK then tries, and says).</summary>
    public static string? Problem(string registry, Func<string, string?> environment, TimeSpan bound)
    {
        registry = registry.Trim().TrimEnd('/');
        var host = RegistryTransport.Host(registry);
        if (host.Length == 0 || RegistryTransport.IsLoopback(registry) || IPAddress.TryParse(host, out _)
            || ProxyVariables.Any(variable => !string.IsNullOrEmpty(environment(variable))))
        {
            return null;
        }

        try
        {
            Dns.GetHostAddressesAsync(host).WaitAsync(bound).GetAwaiter().GetResult();
            return null;
        }
        catch (SocketException e)
        {
            return e.Message;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
