namespace Drydock.Build.Oci.Registry;

/// <summary>How Drydock reaches registries: which may speak plain HTTP, which extra CAs to trust, how to retry.</summary>
public sealed record RegistryOptions
{
    /// <summary>
    /// Registries (<c>host:port</c>) allowed to use plain HTTP or an unverified certificate, as the .NET
    /// SDK's <c>DOTNET_CONTAINER_INSECURE_REGISTRIES</c> lists them. Loopback registries need no entry.
    /// </summary>
    public IReadOnlyCollection<string> InsecureRegistries { get; init; } = [];

    /// <summary>
    /// <c>certs.d</c> folders, as podman and docker read them: <c>&lt;folder&gt;/&lt;host:port&gt;/*.crt</c>
    /// are CAs trusted for that registry beside the system's.
    /// </summary>
    public IReadOnlyList<string> CertificateDirectories { get; init; } = [];

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>The bound on one request, a whole blob upload included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The PATCH size when a registry refuses a blob in one request (or asks for more with <c>OCI-Chunk-Min-Length</c>).</summary>
    public int ChunkSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>Blobs uploaded at once.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>The defaults for this machine: the SDK's insecure list and podman's and docker's certs.d folders.</summary>
    public static RegistryOptions FromEnvironment(IReadOnlyDictionary<string, string?> environment, string homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var insecure = environment.GetValueOrDefault("DOTNET_CONTAINER_INSECURE_REGISTRIES") ?? "";
        return new RegistryOptions
        {
            InsecureRegistries = insecure.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            CertificateDirectories =
            [
                Path.Combine(homeDirectory, ".config", "containers", "certs.d"),
                "/etc/containers/certs.d",
                "/etc/docker/certs.d",
            ],
        };
    }
}
