using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Drydock.Build.Oci;

/// <summary>The rewritten layer: its compressed bytes (a temp file, deleted on dispose) and its two digests.</summary>
internal sealed record RewrittenLayer(FileStream Content, Descriptor Descriptor, Digest DiffId) : IDisposable
{
    public void Dispose() => Content.Dispose();
}

/// <summary>
/// Rewrites one gzip tar layer (https://github.com/opencontainers/image-spec/blob/main/layer.md) so its
/// bytes depend only on its files: entries in ordinal path order, mtime = epoch, uid/gid 0, no user or
/// group names, no time records; mode, type, link target and content unchanged.
/// </summary>
internal static class LayerRewriter
{
    public static RewrittenLayer Rewrite(OciArchive archive, Descriptor layer, Digest diffId, long epochSeconds, CancellationToken cancellationToken)
    {
        // The entries must be reordered, so the uncompressed tar is spooled to a temp file and its entries
        // read back by offset: memory stays flat for app layers of any size (self-contained apps are 100 MB+).
        using var spool = CreateTempFile();
        Decompress(archive, layer, diffId, spool, cancellationToken);
        var entries = ReadEntries(archive, layer, spool);

        var output = CreateTempFile();
        try
        {
            using var compressed = new HashingWriteStream(output);
            var gzip = new ReproducibleGzipStream(compressed);
            using var uncompressed = new HashingWriteStream(gzip);
            var writer = new ReproducibleTarWriter(uncompressed, epochSeconds);
            foreach (var (item, offset) in entries.OrderBy(e => e.Item.Name, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var data = item.Size > 0 ? new BoundedReadStream(spool, offset, item.Size, ownsInner: false) : null;
                writer.Write(item, data);
            }

            writer.Finish();
            var newDiffId = uncompressed.GetDigest();
            gzip.Dispose(); // writes the gzip trailer
            var descriptor = new Descriptor(layer.MediaType, compressed.GetDigest(), compressed.BytesWritten);
            output.Position = 0;
            return new RewrittenLayer(output, descriptor, newDiffId);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    private static void Decompress(OciArchive archive, Descriptor layer, Digest diffId, FileStream spool, CancellationToken cancellationToken)
    {
        try
        {
            using var blob = archive.OpenVerifiedBlob(layer);
            using var gzip = new GZipStream(blob, CompressionMode.Decompress);
            using var hashed = new HashingWriteStream(spool);
            gzip.CopyTo(hashed);
            cancellationToken.ThrowIfCancellationRequested();
            if (blob.Position != layer.Size)
            {
                // Trailing bytes after the gzip member: read them so the blob's digest is still checked.
                blob.CopyTo(Stream.Null);
            }

            var actual = hashed.GetDigest();
            if (actual != diffId)
            {
                throw OciArchive.Invalid(archive.Path, $"layer {layer.Digest} uncompresses to {actual}, but the config's diff_id says {diffId}");
            }
        }
        catch (InvalidDataException e)
        {
            throw OciArchive.Invalid(archive.Path, $"layer {layer.Digest} is not valid gzip ({e.Message})");
        }

        spool.Position = 0;
    }

    private static List<(TarItem Item, long Offset)> ReadEntries(OciArchive archive, Descriptor layer, FileStream spool)
    {
        var entries = new List<(TarItem, long)>();
        try
        {
            using var reader = new TarReader(spool, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.Directory
                    or TarEntryType.SymbolicLink or TarEntryType.HardLink or TarEntryType.CharacterDevice
                    or TarEntryType.BlockDevice or TarEntryType.Fifo))
                {
                    throw OciArchive.Invalid(archive.Path, $"layer {layer.Digest} has entry '{entry.Name}' of unsupported type {entry.EntryType}");
                }

                var (major, minor) = entry is PosixTarEntry posix ? (posix.DeviceMajor, posix.DeviceMinor) : (0, 0);
                var item = new TarItem(entry.EntryType, entry.Name, entry.Mode, entry.Length, entry.LinkName, major, minor);
                entries.Add((item, entry.DataOffset));
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw OciArchive.Invalid(archive.Path, $"layer {layer.Digest} is not a readable tar ({e.Message})");
        }

        return entries;
    }

    /// <summary>A temp file that the OS deletes when it is closed, also when the build fails.</summary>
    private static FileStream CreateTempFile() => new(
        Path.Combine(Path.GetTempPath(), "drydock-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))),
        FileMode.CreateNew,
        FileAccess.ReadWrite,
        FileShare.ReadWrite | FileShare.Delete,
        bufferSize: 81920,
        FileOptions.DeleteOnClose);
}
