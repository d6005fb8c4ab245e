using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Drydock.Tests.Registry;

/// <summary>
/// A one-layer OCI image small enough to build in memory: something to push to a test registry
/// without depending on what the shared registry holds.
/// Spec: https://github.com/opencontainers/image-spec/blob/main/manifest.md
/// </summary>
internal sealed class TestImage
{
    public const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";
    public const string LayerMediaType = "application/vnd.oci.image.layer.v1.tar+gzip";

    public TestImage(string fileContent = "hello from drydock\n")
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "hello.txt")
            {
                ModificationTime = DateTimeOffset.UnixEpoch,
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(fileContent)),
            });
        }

        var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Optimal, leaveOpen: true))
        {
            compressor.Write(tar.ToArray());
        }

        Layer = gzip.ToArray();
        Config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            config = new { },
            rootfs = new { type = "layers", diff_ids = new[] { Digest(tar.ToArray()) } },
        });
        Manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = ManifestMediaType,
            config = new { mediaType = ConfigMediaType, digest = Digest(Config), size = Config.Length },
            layers = new[] { new { mediaType = LayerMediaType, digest = Digest(Layer), size = Layer.Length } },
        });
    }

    public byte[] Layer { get; }

    public byte[] Config { get; }

    public byte[] Manifest { get; }

    public string ManifestDigest => Digest(Manifest);

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    /// <summary>Writes an OCI image layout (skopeo's <c>oci:DIR:TAG</c>) holding the image as <paramref name="tag"/>.</summary>
    public string WriteLayout(string directory, string tag = "latest")
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        foreach (var blob in new[] { Layer, Config, Manifest })
        {
            File.WriteAllBytes(Path.Combine(blobs, Digest(blob)["sha256:".Length..]), blob);
        }

        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllBytes(Path.Combine(directory, "index.json"), JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            manifests = new[]
            {
                new
                {
                    mediaType = ManifestMediaType,
                    digest = ManifestDigest,
                    size = Manifest.Length,
                    annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = tag },
                },
            },
        }));
        return directory;
    }
}
