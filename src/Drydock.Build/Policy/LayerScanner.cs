using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Drydock.Build.Oci;
using Drydock.Build.Sbom;

namespace Drydock.Build.Policy;

/// <summary>
/// Reads one layer's tar in a single streamed pass (nothing is extracted to disk) and keeps what every
/// file rule needs: names, types, modes, owners, link targets and sizes, whiteouts, the root directory's
/// own entry, the text of <c>etc/passwd</c> and <c>etc/group</c>, whether <c>*.pem</c>/<c>*.key</c> files
/// start with a private key, and whether executable files are scripts (<c>#!</c>).
/// </summary>
internal static class LayerScanner
{
    public const string PasswdPath = "etc/passwd";

    public const string GroupPath = "etc/group";

    /// <summary>A passwd file is a few kB; a larger one is not read (its users are then unknown).</summary>
    private const int MaxPasswdSize = 1024 * 1024;

    /// <summary>A PEM bundle puts its key near the top; reading more would cost time on big files for nothing.</summary>
    private const int PrivateKeyPeekSize = 64 * 1024;

    private static readonly byte[] PrivateKeyMarker = "PRIVATE KEY-----"u8.ToArray();

    /// <summary>NuGet.config's section of feed credentials (element names are case-sensitive in NuGet's own reader).</summary>
    private static readonly byte[] NuGetCredentialsMarker = "<packageSourceCredentials"u8.ToArray();

    public static IReadOnlyList<ImageFile> Scan(OciArchive archive, int layerIndex, CancellationToken cancellationToken)
    {
        var descriptor = archive.Layers[layerIndex];
        using var blob = archive.OpenVerifiedBlob(descriptor);
        var files = Scan(Decompressed(blob, descriptor, archive.Path), layerIndex + 1, cancellationToken);

        // The digest is checked when the last byte is read: a tar's end-of-archive padding may leave some unread.
        blob.CopyTo(Stream.Null);
        return files;
    }

    internal static List<ImageFile> Scan(Stream tar, int layer, CancellationToken cancellationToken)
    {
        var files = new List<ImageFile>();
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = NormalizePath(entry.Name);
            if (path.Length == 0 && entry.EntryType != TarEntryType.Directory)
            {
                continue;
            }

            var file = new ImageFile(path, layer, entry.EntryType, entry.Mode, entry.Length)
            {
                Uid = entry.Uid,
                Gid = entry.Gid,
                LinkName = entry.LinkName ?? "",
            };
            if (file.IsRegularFile && entry.DataStream is { } data)
            {
                if ((path is PasswdPath or GroupPath && entry.Length <= MaxPasswdSize)
                    || (ImageInventory.KeepsText(path) && entry.Length <= ImageInventory.MaxTextSize))
                {
                    file = file with { Text = ReadText(data, (int)entry.Length) };
                }
                else if (IsKeyFileName(file.Name))
                {
                    file = file with { HoldsPrivateKey = StartsWithPrivateKey(data) };
                }
                else if (file.Name.Equals("NuGet.config", StringComparison.OrdinalIgnoreCase))
                {
                    file = file with { HoldsCredentials = Peek(data).IndexOf(NuGetCredentialsMarker) >= 0 };
                }
                else if ((entry.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                {
                    file = file with { IsScript = StartsWithShebang(data) };
                }
            }

            files.Add(file);
        }

        return files;
    }

    /// <summary>Gzip is the layer type the SDK writes; an uncompressed tar layer is read as is. Anything else (zstd) cannot be linted.</summary>
    internal static Stream Decompressed(Stream blob, Descriptor descriptor, string archivePath)
    {
        if (OciMediaTypes.IsGzipLayer(descriptor.MediaType))
        {
            return new GZipStream(blob, CompressionMode.Decompress, leaveOpen: true);
        }

        if (descriptor.MediaType is "application/vnd.oci.image.layer.v1.tar" or "application/vnd.docker.image.rootfs.diff.tar")
        {
            return blob;
        }

        throw OciArchive.Invalid(archivePath, $"layer {descriptor.Digest} has media type '{descriptor.MediaType}', which the lint cannot read (only tar and tar+gzip layers)");
    }

    /// <summary>Layer tars name entries <c>./app/x</c>, <c>app/x</c> or <c>/app/x</c>, directories with a trailing slash.</summary>
    internal static string NormalizePath(string name)
    {
        var path = name.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        return path.Trim('/') is "." ? "" : path.Trim('/');
    }

    internal static bool IsKeyFileName(string name) =>
        name.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".key", StringComparison.OrdinalIgnoreCase);

    private static string ReadText(Stream data, int length)
    {
        var bytes = new byte[length];
        data.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    private static bool StartsWithShebang(Stream data)
    {
        Span<byte> start = stackalloc byte[2];
        return data.ReadAtLeast(start, 2, throwOnEndOfStream: false) == 2 && start[0] == '#' && start[1] == '!';
    }

    /// <summary>
    /// Matches every PEM private key label (RFC 7468: <c>-----BEGIN PRIVATE KEY-----</c>, and the
    /// <c>RSA</c>, <c>EC</c>, <c>ENCRYPTED</c>, <c>OPENSSH</c> variants): all end in <c>PRIVATE KEY-----</c>.
    /// </summary>
    private static bool StartsWithPrivateKey(Stream data)
    {
        var text = Peek(data);
        var at = text.IndexOf(PrivateKeyMarker);
        return at >= 0 && text[..at].LastIndexOf("-----BEGIN "u8) >= 0;
    }

    /// <summary>The file's first <see cref="PrivateKeyPeekSize"/> bytes (a PEM bundle or a NuGet.config says what matters near the top).</summary>
    private static ReadOnlySpan<byte> Peek(Stream data)
    {
        var buffer = new byte[PrivateKeyPeekSize];
        var read = data.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return buffer.AsSpan(0, read);
    }
}
