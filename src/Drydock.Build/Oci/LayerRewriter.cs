using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Drydock.Build.Oci;

/// <summary>A layer's uncompressed tar (a temp file, deleted on dispose) and its entries with their data offsets in it.</summary>
internal sealed record SpooledLayer(FileStream Content, IReadOnlyList<(TarItem Item, long Offset)> Entries) : IDisposable
{
    public void Dispose() => Content.Dispose();
}

/// <summary>The rewritten layer: its compressed bytes (a temp file, deleted on dispose) and its two digests.</summary>
internal sealed record RewrittenLayer(FileStream Content, Descriptor Descriptor, Digest DiffId) : IDisposable
{
    public void Dispose() => Content.Dispose();
}

/// <summary>
/// Rewrites one gzip tar layer (https://github.com/opencontainers/image-spec/blob/main/layer.md) so its
/// bytes depend only on its files. It fixes only what carries the build machine or the wall clock:
/// entry order (ordinal by path, each hard link after the file it names), mtime = the epoch, no pax time
/// records, no user or group names (runtimes chown by uid/gid, and the names are the build machine's
/// accounts), and the gzip stream. Everything the SDK meant stays: type, mode (setuid and sticky bits
/// too), uid and gid (a numeric <c>ContainerUser</c> owns the app's files), symbolic and hard link
/// targets, device numbers, names of any length and script, and every other pax record (xattrs).
/// </summary>
internal static class LayerRewriter
{
    /// <summary>pax records that hold times (POSIX pax <c>atime</c>/<c>ctime</c>/<c>mtime</c>, libarchive's birth time).</summary>
    private static readonly string[] TimeRecords = ["atime", "ctime", "mtime", "LIBARCHIVE.creationtime"];

    /// <summary>pax records the writer derives from the header fields again, or drops (the account names).</summary>
    private static readonly string[] HeaderRecords = ["path", "linkpath", "size", "uid", "gid", "uname", "gname"];

    /// <param name="cache">Compressed file data of earlier publishes (<see cref="GzipMemberCache"/>); null to deflate everything.</param>
    public static RewrittenLayer Rewrite(OciArchive archive, Descriptor layer, Digest diffId, long epochSeconds, GzipMemberCache? cache, CancellationToken cancellationToken)
    {
        using var spooled = Spool(archive, layer, diffId, cancellationToken);
        return Write(spooled, spooled.Entries, layer.MediaType, epochSeconds, cache, cancellationToken);
    }

    /// <summary>
    /// The layer's uncompressed tar in a temp file (checked against <paramref name="diffId"/>) and its
    /// entries by offset: the entries must be reordered, and memory stays flat for app layers of any size
    /// (self-contained apps are 100 MB+). One spooled layer can be written as several (<see cref="Write"/>).
    /// </summary>
    public static SpooledLayer Spool(OciArchive archive, Descriptor layer, Digest diffId, CancellationToken cancellationToken)
    {
        var spool = CreateTempFile();
        try
        {
            Decompress(archive, layer, diffId, spool, cancellationToken);
            return new SpooledLayer(spool, ReadEntries(archive, layer, spool));
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="entries"/> (any of <paramref name="source"/>'s, in any order) as one reproducible gzip layer.</summary>
    public static RewrittenLayer Write(SpooledLayer source, IEnumerable<(TarItem Item, long Offset)> entries, string mediaType, long epochSeconds, GzipMemberCache? cache, CancellationToken cancellationToken)
    {
        var spool = source.Content;
        var output = CreateTempFile();
        try
        {
            using var compressed = new HashingWriteStream(output);
            var gzip = new ReproducibleGzipStream(compressed, cache);
            var writer = new ReproducibleTarWriter(gzip, epochSeconds);
            foreach (var (item, offset) in InWritingOrder(entries))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var data = item.Size > 0 ? new BoundedReadStream(spool, offset, item.Size, ownsInner: false) : null;
                writer.Write(item, data);
            }

            writer.Finish();
            var newDiffId = gzip.GetUncompressedDigest();
            gzip.Dispose(); // writes the gzip trailer
            var descriptor = new Descriptor(mediaType, compressed.GetDigest(), compressed.BytesWritten);
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
            // The compressed digest is not checked: what matters is the content, and the diff_id below checks
            // that (one SHA-256 pass over the layer instead of two).
            using var blob = archive.OpenBlob(layer.Digest);
            using var gzip = new GZipStream(blob, CompressionMode.Decompress);
            using var hashed = new HashingWriteStream(spool);
            gzip.CopyTo(hashed);
            cancellationToken.ThrowIfCancellationRequested();
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
                var item = new TarItem(entry.EntryType, entry.Name, entry.Mode, entry.Length, entry.LinkName, major, minor, entry.Uid, entry.Gid, KeptAttributes(entry));
                entries.Add((item, entry.DataOffset));
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw OciArchive.Invalid(archive.Path, $"layer {layer.Digest} is not a readable tar ({e.Message})");
        }

        return entries;
    }

    /// <summary>
    /// Ordinal path order, so the bytes do not depend on how the build machine listed its directories;
    /// but a hard link is extracted by linking to a path already extracted, so a link whose target sorts
    /// after it is written right after its target. A link to a path outside the layer keeps its place.
    /// </summary>
    internal static List<(TarItem Item, long Offset)> InWritingOrder(IEnumerable<(TarItem Item, long Offset)> entries)
    {
        var sorted = entries.OrderBy(e => e.Item.Name, StringComparer.Ordinal).ToList();
        var names = sorted.Select(e => PathKey(e.Item.Name)).ToHashSet(StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var waiting = new Dictionary<string, List<(TarItem, long)>>(StringComparer.Ordinal);
        var ordered = new List<(TarItem, long)>(sorted.Count);
        foreach (var entry in sorted)
        {
            var target = PathKey(entry.Item.LinkName);
            if (entry.Item.Type == TarEntryType.HardLink && names.Contains(target) && !written.Contains(target))
            {
                (waiting.TryGetValue(target, out var links) ? links : waiting[target] = []).Add(entry);
                continue;
            }

            Add(entry);
        }

        // Links in a cycle (a names b, b names a) or to themselves: no order satisfies them; keep them.
        ordered.AddRange(waiting.Values.SelectMany(links => links));
        return ordered;

        void Add((TarItem Item, long Offset) entry)
        {
            ordered.Add(entry);
            var name = PathKey(entry.Item.Name);
            written.Add(name);
            if (waiting.Remove(name, out var links))
            {
                links.ForEach(Add);
            }
        }
    }

    /// <summary>A tar path as extraction sees it: <c>./app/x</c>, <c>/app/x</c> and <c>app/x/</c> are <c>app/x</c>.</summary>
    private static string PathKey(string name)
    {
        var path = name;
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        return path.Trim('/');
    }

    /// <summary>The entry's pax records other than times and those the writer derives; null when none.</summary>
    private static Dictionary<string, string>? KeptAttributes(TarEntry entry)
    {
        if (entry is not PaxTarEntry pax)
        {
            return null;
        }

        var kept = pax.ExtendedAttributes
            .Where(a => !TimeRecords.Contains(a.Key, StringComparer.Ordinal) && !HeaderRecords.Contains(a.Key, StringComparer.Ordinal))
            .ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        return kept.Count > 0 ? kept : null;
    }

    /// <summary>A temp file that the OS deletes when it is closed, also when the build fails.</summary>
    internal static FileStream CreateTempFile() => new(
        Path.Combine(Path.GetTempPath(), "drydock-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))),
        FileMode.CreateNew,
        FileAccess.ReadWrite,
        FileShare.ReadWrite | FileShare.Delete,
        bufferSize: 81920,
        FileOptions.DeleteOnClose);
}
