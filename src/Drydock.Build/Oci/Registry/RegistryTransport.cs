using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// The HTTP side of one registry: whether it may speak plain HTTP (loopback, or listed as insecure)
/// and which certificates it is trusted with (the system's, plus its <c>certs.d</c> CAs).
/// </summary>
public static class RegistryTransport
{
    /// <summary>localhost, 127.0.0.0/8 and ::1, with or without a port.</summary>
    public static bool IsLoopback(string registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var host = Host(registry);
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>Plain HTTP is allowed: loopback, or listed in <see cref="RegistryOptions.InsecureRegistries"/>.</summary>
    public static bool AllowsPlainHttp(string registry, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return IsLoopback(registry) || IsListedInsecure(registry, options);
    }

    public static bool IsListedInsecure(string registry, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.InsecureRegistries.Contains(registry, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A handler that verifies the registry's certificate against the system's roots and, failing that,
    /// against its <c>certs.d</c> CAs; registries listed as insecure are not verified (as in the SDK).
    /// </summary>
    public static SocketsHttpHandler CreateHandler(string registry, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var extraRoots = CertificateAuthorities(registry, options.CertificateDirectories);
        var insecure = IsListedInsecure(registry, options);
        return new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(15),
            // RegistryClient follows redirects itself: it resolves each Location, keeps credentials on the
            // registry's own host, and re-creates a blob's body for the next hop.
            AllowAutoRedirect = false,
            // Cookies are never stored or sent: Harbor checks a CSRF token on writes that carry its session cookie
            // (dotnet/sdk-container-builds#418), and the distribution protocol needs none.
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    insecure || errors == SslPolicyErrors.None
                    || (errors == SslPolicyErrors.RemoteCertificateChainErrors && certificate is X509Certificate2 leaf && ChainsTo(leaf, extraRoots)),
            },
        };
    }

    /// <summary>The <c>*.crt</c> files under <c>&lt;directory&gt;/&lt;registry&gt;/</c> of each certs.d folder.</summary>
    public static X509Certificate2Collection CertificateAuthorities(string registry, IEnumerable<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var roots = new X509Certificate2Collection();
        foreach (var folder in directories.Select(directory => Path.Combine(directory, registry)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.crt").Order(StringComparer.Ordinal))
            {
                roots.ImportFromPemFile(file);
            }
        }

        return roots;
    }

    private static bool ChainsTo(X509Certificate2 leaf, X509Certificate2Collection roots)
    {
        if (roots.Count == 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    /// <summary>The host of <c>host[:port]</c>: <c>localhost</c> of <c>localhost:5000</c>, <c>::1</c> of <c>[::1]:5000</c>.</summary>
    internal static string Host(string registry)
    {
        if (registry.StartsWith('['))
        {
            var end = registry.IndexOf(']', StringComparison.Ordinal);
            return end > 0 ? registry[1..end] : registry;
        }

        var colon = registry.LastIndexOf(':');
        return colon > 0 ? registry[..colon] : registry;
    }
}
