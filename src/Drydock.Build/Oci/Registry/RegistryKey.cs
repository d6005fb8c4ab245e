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
    /// <summary>
    /// A key of <c>auths</c> as containers-auth.json(5) reads it, in podman's <c>auth.json</c> and docker's
    /// <c>config.json</c> alike: a key without a scheme may name a namespace or repository (<c>ghcr.io/acme</c>,
    /// <c>quay.io/team/app</c>), given back as <c>host/path</c> with the host normalized; a key with a scheme is
    /// docker's older form (<c>https://index.docker.io/v1/</c>) and names the whole registry. Null for an empty key.
    /// </summary>
    public static string? NormalizeScoped(string key)
    {
        var name = key.Trim();
        if (name.Contains("://", StringComparison.Ordinal))
        {
            return Normalize(name);
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return Normalize(name);
        }

        var path = name[(slash + 1)..].Trim('/');
        return Normalize(name[..slash]) is { } host ? (path.Length == 0 ? host : $"{host}/{path}") : null;
    }

    /// <summary>
    /// How well a normalized scoped key fits <paramref name="registry"/>/<paramref name="repository"/>: the number of
    /// path components it names (0 for the whole registry), or -1 when it does not fit. The highest wins, as in
    /// containers-auth.json(5): "the most specific match is used".
    /// </summary>
    public static int Specificity(string scopedKey, string registry, string? repository)
    {
        ArgumentNullException.ThrowIfNull(scopedKey);
        if (scopedKey == registry)
        {
            return 0;
        }

        var prefix = registry + "/";
        if (repository is null || !scopedKey.StartsWith(prefix, StringComparison.Ordinal))
        {
            return -1;
        }

        var path = scopedKey[prefix.Length..];
        return repository == path || repository.StartsWith(path + "/", StringComparison.Ordinal) ? path.Count(c => c == '/') + 1 : -1;
    }

    /// <summary>What docker writes to a credential helper's input for <paramref name="registry"/>, a normalized key.</summary>
    public static string HelperServerUrl(string registry) => registry == DockerHub ? DockerHubServerUrl : registry;

    public static string? Normalize(string key)
    {
        var name = key.Trim();
        var schemeEnd = name.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            name = name[(schemeEnd + 3)..];
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
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
