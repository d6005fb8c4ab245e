using System.Formats.Tar;
using System.Globalization;
using System.Text;

namespace Drydock.Build.Oci;

/// <summary>
/// One entry to write: everything else in a header is fixed by <see cref="ReproducibleTarWriter"/>.
/// <paramref name="Attributes"/> are pax records to carry as they are (e.g. <c>SCHILY.xattr.*</c>); the
/// ones the writer derives from the other fields (path, linkpath, size, uid, gid) and any time record
/// must not be among them.
/// </summary>
internal sealed record TarItem(
    TarEntryType Type,
    string Name,
    UnixFileMode Mode,
    long Size,
    string LinkName = "",
    int DeviceMajor = 0,
    int DeviceMinor = 0,
    int Uid = 0,
    int Gid = 0,
    IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>
/// Writes POSIX ustar headers (https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html)
/// whose bytes depend only on the entry: mtime is the one given, user and group names empty (runtimes
/// chown by number), uid/gid as given. A pax extended header is added only when the entry needs one: a
/// name or link target too long for ustar or not ASCII (<c>path</c> / <c>linkpath</c>), a size past 8 GiB or an id past
/// 7 octal digits, or attributes to carry (sorted by key). Written by hand because System.Formats.Tar's
/// TarWriter always adds an <c>mtime</c> record to pax entries, and layer bytes must not change when it changes.
/// </summary>
internal sealed class ReproducibleTarWriter(Stream output, long modificationTime)
{
    private const int BlockSize = 512;
    private const int NameLength = 100;
    private const int PrefixLength = 155;
    // C# has no octal literals: these are 8^11 - 1 and 8^7 - 1, what 11 and 7 octal digits hold.
    internal const long MaxOctalTime = (1L << 33) - 1;
    private const long MaxOctalSize = (1L << 33) - 1;
    private const int MaxOctalId = (1 << 21) - 1;

    public void Write(TarItem item, Stream? data)
    {
        var type = item.Type == TarEntryType.V7RegularFile ? TarEntryType.RegularFile : item.Type;
        var records = new List<(string Key, string Value)>();
        // ustar fields are bytes that readers decode as they please; a pax record is UTF-8 by definition.
        if (!Ascii.IsValid(item.Name) || !TrySplitName(item.Name, out var prefix, out var name))
        {
            records.Add(("path", item.Name));
            (prefix, name) = (string.Empty, Truncate(item.Name, NameLength));
        }

        var linkName = item.LinkName;
        if (!Ascii.IsValid(linkName) || Encoding.UTF8.GetByteCount(linkName) > NameLength)
        {
            records.Add(("linkpath", linkName));
            linkName = Truncate(linkName, NameLength);
        }

        if (item.Size > MaxOctalSize)
        {
            records.Add(("size", item.Size.ToString(CultureInfo.InvariantCulture)));
        }

        if (item.Uid > MaxOctalId)
        {
            records.Add(("uid", item.Uid.ToString(CultureInfo.InvariantCulture)));
        }

        if (item.Gid > MaxOctalId)
        {
            records.Add(("gid", item.Gid.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (var (key, value) in (item.Attributes ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            records.Add((key, value));
        }

        if (records.Count > 0 && prefix.Length > 0)
        {
            // With an extended header, some readers (System.Formats.Tar) ignore the ustar prefix: the path goes in a record too.
            records.Insert(0, ("path", item.Name));
            (prefix, name) = (string.Empty, Truncate(item.Name, NameLength));
        }

        if (records.Count > 0)
        {
            var pax = PaxRecords(records);
            // The extended header's own name is implementation-defined; a fixed one keeps bytes stable
            // (GNU tar puts its process id there).
            WriteHeader(TarEntryType.ExtendedAttributes, string.Empty, "PaxHeader", (UnixFileMode)0b110_100_100, pax.Length, string.Empty, 0, 0, 0, 0);
            output.Write(pax);
            WritePadding(pax.Length);
        }

        WriteHeader(type, prefix, name, item.Mode, item.Size, linkName, item.DeviceMajor, item.DeviceMinor, Math.Min(item.Uid, MaxOctalId), Math.Min(item.Gid, MaxOctalId));
        if (item.Size > 0)
        {
            var source = data ?? throw new ArgumentException($"Entry '{item.Name}' has a size but no data.", nameof(data));
            if (output is ReproducibleGzipStream gzip && source.CanSeek)
            {
                // A file's data in a gzip member of its own, which a cache can hold.
                gzip.WriteMember(source, item.Size);
            }
            else
            {
                CopyExactly(source, item.Size, item.Name);
            }

            WritePadding(item.Size);
        }
    }

    /// <summary>The end-of-archive marker: two zero blocks.</summary>
    public void Finish() => output.Write(new byte[2 * BlockSize]);

    private void WriteHeader(TarEntryType type, string prefix, string name, UnixFileMode mode, long size, string linkName, int major, int minor, int uid, int gid)
    {
        var header = new byte[BlockSize];
        var span = header.AsSpan();
        Encoding.UTF8.GetBytes(name, span[..NameLength]);
        Octal(span.Slice(100, 8), (long)mode & 0xFFF);
        Octal(span.Slice(108, 8), uid);
        Octal(span.Slice(116, 8), gid);
        Octal(span.Slice(124, 12), Math.Min(size, MaxOctalSize));
        Octal(span.Slice(136, 12), modificationTime);
        span[156] = (byte)type;
        Encoding.UTF8.GetBytes(linkName, span.Slice(157, NameLength));
        "ustar\000"u8.CopyTo(span[257..]);
        if (type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
        {
            Octal(span.Slice(329, 8), major);
            Octal(span.Slice(337, 8), minor);
        }

        Encoding.UTF8.GetBytes(prefix, span.Slice(345, PrefixLength));

        // The checksum is the byte sum of the header with its own field read as spaces.
        span.Slice(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }

        Octal(span.Slice(148, 7), sum);
        output.Write(header);
    }

    /// <summary>ustar stores up to 100 bytes of name plus a 155-byte prefix cut at a '/'.</summary>
    private static bool TrySplitName(string path, out string prefix, out string name)
    {
        prefix = string.Empty;
        name = path;
        if (Encoding.UTF8.GetByteCount(path) <= NameLength)
        {
            return true;
        }

        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            var head = path[..slash];
            var tail = path[(slash + 1)..];
            if (Encoding.UTF8.GetByteCount(head) > PrefixLength)
            {
                break;
            }

            if (tail.Length > 0 && Encoding.UTF8.GetByteCount(tail) <= NameLength)
            {
                (prefix, name) = (head, tail);
                return true;
            }
        }

        return false;
    }

    /// <summary>pax records are "<c>length key=value\n</c>", where length counts the whole record, itself included.</summary>
    private static byte[] PaxRecords(List<(string Key, string Value)> records)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in records)
        {
            var body = Encoding.UTF8.GetByteCount($" {key}={value}\n");
            var length = body + 1;
            while (length != body + length.ToString(CultureInfo.InvariantCulture).Length)
            {
                length = body + length.ToString(CultureInfo.InvariantCulture).Length;
            }

            text.Append(CultureInfo.InvariantCulture, $"{length} {key}={value}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Truncate(string value, int maxBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return bytes.Length <= maxBytes ? value : Encoding.UTF8.GetString(bytes, 0, maxBytes).TrimEnd('\uFFFD');
    }

    /// <summary>Zero-padded octal digits followed by a NUL, filling the field, as GNU tar and bsdtar write them.</summary>
    private static void Octal(Span<byte> field, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }

    private void WritePadding(long size)
    {
        var padding = (int)((BlockSize - (size % BlockSize)) % BlockSize);
        output.Write(new byte[padding]);
    }

    private void CopyExactly(Stream data, long size, string entryName)
    {
        var buffer = new byte[81920];
        var remaining = size;
        while (remaining > 0)
        {
            var read = data.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read == 0)
            {
                throw new EndOfStreamException($"The data of tar entry '{entryName}' ended {remaining} bytes early.");
            }

            output.Write(buffer, 0, read);
            remaining -= read;
        }
    }
}
