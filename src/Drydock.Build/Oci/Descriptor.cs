namespace Drydock.Build.Oci;

/// <summary>
/// The three fields of an OCI content descriptor that identify a blob
/// (https://github.com/opencontainers/image-spec/blob/main/descriptor.md).
/// </summary>
public sealed record Descriptor(string MediaType, Digest Digest, long Size);

/// <summary>Media types Drydock reads and writes (https://github.com/opencontainers/image-spec/blob/main/media-types.md).</summary>
public static class OciMediaTypes
{
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string LayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";

    /// <summary>Base images pulled from Docker Hub-style registries keep this type on their layers.</summary>
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    public static bool IsGzipLayer(string mediaType) => mediaType is LayerGzip or DockerLayerGzip;
}
