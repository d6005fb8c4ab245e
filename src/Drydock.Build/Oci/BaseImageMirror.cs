namespace Drydock.Build.Oci;

/// <summary>
/// <c>DrydockBaseRegistry</c>: a registry that mirrors <c>mcr.microsoft.com</c>. The image names its base as
/// the project asked for it (<c>mcr.microsoft.com/dotnet/aspnet:10.0</c>, in
/// <c>org.opencontainers.image.base.name</c>, the SBOM and the provenance, with the digest that was pulled);
/// where the bytes came from is the build machine's business. The push (cross-repository mounts) and the load
/// (layers an engine already holds) look for the base where this machine has it: under the mirror's name.
/// </summary>
public static class BaseImageMirror
{
    /// <summary>The registry <c>DrydockBaseRegistry</c> stands in for.</summary>
    public const string MirroredRegistry = "mcr.microsoft.com";

    /// <summary>
    /// <paramref name="reference"/> as pulled through <paramref name="mirror"/> (<c>localhost:5000/dotnet/aspnet:10.0</c>
    /// for <c>mcr.microsoft.com/dotnet/aspnet:10.0</c>); the reference itself when there is no mirror or it names another registry.
    /// </summary>
    public static string Pulled(string reference, string? mirror)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return !string.IsNullOrWhiteSpace(mirror) && reference.StartsWith(MirroredRegistry + "/", StringComparison.Ordinal)
            ? mirror.Trim().TrimEnd('/') + reference[MirroredRegistry.Length..]
            : reference;
    }
}
