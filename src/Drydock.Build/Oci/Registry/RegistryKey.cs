namespace Drydock.Build.Oci.Registry;

/// <summary>
/// Compares the registry names that credential files and helpers use. docker has written its keys as
/// <c>host:port</c>, <c>https://host</c> and, for Docker Hub, <c>https://index.docker.io/v1/</c> over the years, and still
/// reads them all (docker/cli <c>registry.ConvertToHostname</c>): a key is its host and port, case-insensitive.
/// </summary>
internal static class RegistryKey
{
    /// <summary>The key docker's credential helpers store Docker Hub under (docker/cli <c>registry.IndexServer</c>).</summary>
    public const string DockerHubServerUrl = "https://index.docker.io/v1/";

    private const string DockerHub = "docker.io";

    /// <summary>
    /// <c>host[:port]</c> in lower case with every Docker Hub alias as <c>docker.io</c>, or null for an empty key.
    /// A scheme and a path are dropped.
    /// </summary>
    public static string? Normalize(string key) => Normalize(key, repositoryScoped: false);

    /// <summary>
    /// As <see cref="Normalize(string)"/> for a key of podman's <c>auth.json</c>, where a key without a scheme may name a
    /// namespace or repository (<c>quay.io/team</c>, containers-auth.json(5)). Such a key gives null: Drydock asks for
    /// one credential per registry, so only registry-wide entries count. Keys with a scheme are docker's older form and
    /// lose their path.
    /// </summary>
    public static string? NormalizePodman(string key) => Normalize(key, repositoryScoped: true);

    /// <summary>What docker writes to a credential helper's input for <paramref name="registry"/>, a normalized key.</summary>
    public static string HelperServerUrl(string registry) => registry == DockerHub ? DockerHubServerUrl : registry;

    private static string? Normalize(string key, bool repositoryScoped)
    {
        var name = key.Trim();
        var schemeEnd = name.IndexOf("://", StringComparison.Ordinal);
        var hadScheme = schemeEnd >= 0;
        if (hadScheme)
        {
            name = name[(schemeEnd + 3)..];
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (repositoryScoped && !hadScheme)
            {
                return null;
            }

            name = name[..slash];
        }

        name = name.ToLowerInvariant();
        return name switch
        {
            "" => null,
            "docker.io" or "index.docker.io" or "registry-1.docker.io" => DockerHub,
            _ => name,
        };
    }
}
